package check

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/internal/listfile"
	"github.com/relayctl/relayctl/report"
)

// Bulk is the bulk input of a domain check command: "-" (stdin) among the
// arguments, --file, --shard and --concurrency.
type Bulk struct {
	Files []string
	// Shard is --shard I/N: this run checks the domains whose hash falls
	// in shard I of N (Index from 1); N is 0 without --shard.
	Shard struct{ Index, Count int }
	shard string
	// on is true when the domains come from a list (stdin, --file,
	// --shard): the run then shows progress and ends with a summary.
	on bool
}

// bulkFlags registers --file, --shard and --concurrency.
type bulkFlags struct{}

func (bulkFlags) register(cmd *cobra.Command, opts *Options) {
	fs := cmd.Flags()
	fs.StringArrayVar(&opts.Bulk.Files, "file", nil, "read domains from `FILE`, one a line (# starts a comment); repeatable (\"-\" as the argument reads stdin)")
	fs.StringVar(&opts.Bulk.shard, "shard", "", "check only shard `I/N` of the domains (split by a stable hash of each name, for parallel CI jobs)")
	fs.IntVar(&opts.Audit.Concurrency, "concurrency", 0, "check at most `N` domains at once (default 4)")
}

func (bulkFlags) apply(opts *Options) error {
	b := &opts.Bulk
	if opts.Audit.Concurrency < 0 {
		return cmdutil.Usagef("invalid --concurrency %d: want 1 or more", opts.Audit.Concurrency)
	}
	if b.shard != "" {
		i, n, ok := strings.Cut(b.shard, "/")
		si, err1 := strconv.Atoi(i)
		sn, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil || sn < 1 || si < 1 || si > sn {
			return cmdutil.Usagef("invalid --shard %q: want I/N with 1 ≤ I ≤ N, such as 2/4", b.shard)
		}
		b.Shard.Index, b.Shard.Count = si, sn
	}
	b.on = len(b.Files) > 0 || slices.Contains(opts.Domains, "-") || b.Shard.Count > 0
	return nil
}

// bulkArgs keeps the command's own argument rule (its error messages
// included) unless the domains come from --file or "-".
func bulkArgs(base cobra.PositionalArgs, single bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		f, _ := cmd.Flags().GetStringArray("file")
		if len(f) == 0 && !slices.Contains(args, "-") {
			return base(cmd, args)
		}
		if single && len(args) > 1 {
			return cobra.MaximumNArgs(1)(cmd, args)
		}
		return nil
	}
}

// InShard reports whether the normalised domain d belongs to shard i of
// n (i from 1): FNV-1a of the name modulo n, so every name is in exactly
// one shard, whatever machine or run computes it.
func InShard(d string, i, n int) bool {
	h := fnv.New32a()
	h.Write([]byte(d))
	return int(h.Sum32()%uint32(n)) == i-1
}

// readDomains reads domains from r, one a line: blank lines and
// everything from a # are skipped. A line that is no domain name is bad
// input (exit 2) naming where it is.
func readDomains(r io.Reader, name string, add func(string)) error {
	for l, err := range listfile.Lines(r, 1<<20) {
		if err != nil {
			return cmdutil.Usage("cannot read "+name, err)
		}
		d, err := dnsx.Domain(l.Text)
		if err != nil {
			return cmdutil.Usage(fmt.Sprintf("%s:%d: invalid domain", name, l.N), err)
		}
		add(d)
	}
	return nil
}

// inputs adds the domains of stdin ("-" among domains) and of every
// --file, in order, to the normalised command-line domains, then keeps
// this run's shard.
func (b *Bulk) inputs(ctx context.Context, ios *cmdutil.IOStreams, domains []string) ([]string, error) {
	var out []string
	add := func(d string) { out = append(out, d) }
	for _, d := range domains {
		if d != "-" {
			add(d)
			continue
		}
		if err := readDomains(ios.Stdin(ctx, "domains"), "stdin", add); err != nil {
			return nil, err
		}
	}
	for _, path := range b.Files {
		f, r, err := cmdutil.OpenFile(ctx, path)
		if err != nil {
			return nil, cmdutil.Usage("cannot read --file "+path, err)
		}
		err = readDomains(r, path, add)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if b.Shard.Count > 0 {
		out = slices.DeleteFunc(out, func(d string) bool { return !InShard(d, b.Shard.Index, b.Shard.Count) })
	}
	if len(out) == 0 && b.Shard.Count == 0 {
		return nil, cmdutil.Usagef("nothing to check: the input has no domain")
	}
	return out, nil
}

// summary writes one line about a bulk run: how many domains, by status.
func summary(w io.Writer, reps []checks.Report) error {
	counts := map[checks.Status]int{}
	for _, r := range reps {
		counts[r.Status]++
	}
	var parts []string
	for _, st := range []checks.Status{checks.StatusOK, checks.StatusInfo, checks.StatusWarn, checks.StatusFail, checks.StatusError} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	if len(parts) == 0 {
		parts = []string{"nothing to report"}
	}
	_, err := fmt.Fprintf(w, "%d domains: %s\n", len(reps), strings.Join(parts, ", "))
	return err
}

// summaryWriter is where a bulk run's summary goes: stderr when stdout
// carries JSON, else after the tables.
func summaryWriter(ios *cmdutil.IOStreams, f report.Format) io.Writer {
	if f == report.FormatTable {
		return ios.Out
	}
	return ios.ErrOut
}
