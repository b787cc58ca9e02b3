package address_test

import (
	"errors"
	"fmt"

	"github.com/relayctl/relayctl/checks/address"
)

func ExampleParse() {
	a, _ := address.Parse(" Ann.Lee+news@Example.COM ")
	fmt.Println(a)

	_, err := address.Parse("ann@example,com")
	var se *address.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Pos, se.Msg)
	}
	// Output:
	// Ann.Lee+news@example.com
	// 12 a comma in the domain (a dot was meant)
}

func ExampleSuggest() {
	fmt.Println(address.Suggest("gmial.com"))
	fmt.Printf("%q\n", address.Suggest("example.com"))
	// Output:
	// gmail.com
	// ""
}
