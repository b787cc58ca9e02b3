package smtpwire

import (
	"bytes"
	"encoding/json"
)

// replyJSON is a Reply as JSON shows it.
type replyJSON struct {
	Code     int    `json:"code"`
	Enhanced string `json:"enhanced,omitempty"`
	Text     string `json:"text"`
}

// MarshalJSON writes {"code", "enhanced", "text"}, text as Text gives it.
func (r Reply) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// The encoder that embeds this output escapes HTML or not as it was
	// told; escaping here would be undone by nobody.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(replyJSON{r.Code, r.Secode, r.Text()}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads what MarshalJSON writes; each line of text becomes
// a line of the reply, the enhanced status code in front of the first.
func (r *Reply) UnmarshalJSON(b []byte) error {
	var w replyJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Reply{Code: w.Code, Secode: w.Enhanced}
	for i, l := range bytes.Split([]byte(w.Text), []byte("\n")) {
		if i == 0 && w.Enhanced != "" {
			l = append([]byte(w.Enhanced+" "), l...)
		}
		r.Lines = append(r.Lines, string(l))
	}
	return nil
}
