package bounce

import (
	"encoding/json"
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

type sesNotification struct {
	Type    string `json:"notificationType"`
	Message string `json:"Message"` // an SNS envelope wraps the notification as a string
	Bounce  *struct {
		Type       string `json:"bounceType"`
		SubType    string `json:"bounceSubType"`
		Recipients []struct {
			Address    string `json:"emailAddress"`
			Action     string `json:"action"`
			Status     string `json:"status"`
			Diagnostic string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		Timestamp    string `json:"timestamp"`
		ReportingMTA string `json:"reportingMTA"`
	} `json:"bounce"`
	Complaint *struct {
		Recipients []struct {
			Address string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		FeedbackType string `json:"complaintFeedbackType"`
		Timestamp    string `json:"timestamp"`
		UserAgent    string `json:"userAgent"`
	} `json:"complaint"`
	Delivery *struct {
		Recipients   []string `json:"recipients"`
		SMTPResponse string   `json:"smtpResponse"`
		ReportingMTA string   `json:"reportingMTA"`
		RemoteMTAIP  string   `json:"remoteMtaIp"`
		Timestamp    string   `json:"timestamp"`
	} `json:"delivery"`
	Mail *struct {
		Source    string `json:"source"`
		MessageID string `json:"messageId"`
		Timestamp string `json:"timestamp"`
		Common    struct {
			From    []string `json:"from"`
			Subject string   `json:"subject"`
			Date    string   `json:"date"`
		} `json:"commonHeaders"`
	} `json:"mail"`
}

// sesJSON cuts the JSON document out of the text: SNS folds long lines
// with "!" and a continuation, which is undone first.
func sesJSON(body string) []byte {
	i := strings.IndexByte(body, '{')
	j := strings.LastIndexByte(body, '}')
	if i < 0 || j < i {
		return nil
	}
	s := body[i : j+1]
	s = strings.ReplaceAll(s, "!\n ", "")
	s = strings.ReplaceAll(s, "\n", "")
	return []byte(s)
}

// sesBounceReasons are the bounce subtypes whose meaning is certain.
var sesBounceReasons = map[string]reason.Reason{
	"Suppressed":               reason.Suppressed,
	"OnAccountSuppressionList": reason.Suppressed,
	"MailboxFull":              reason.MailboxFull,
	"MessageTooLarge":          reason.MesgTooBig,
	"ContentRejected":          reason.ContentError,
	"AttachmentRejected":       reason.SecurityError,
}

// Amazon SES notifications sent by e-mail through SNS: a JSON document
// ({"notificationType":"Bounce"|"Complaint"|"Delivery", …}) as the body.
func readSESJSON(m *message) *found {
	from := strings.ToLower(m.header.Get("from"))
	if !strings.Contains(from, "amazonaws.com") && !strings.Contains(from, "amazonses.com") &&
		!strings.HasPrefix(strings.TrimSpace(m.body), "{") {
		return nil
	}
	if !strings.Contains(m.body, "notificationType") {
		return nil
	}
	raw := sesJSON(m.body)
	var n sesNotification
	if raw == nil || json.Unmarshal(raw, &n) != nil {
		return nil
	}
	if n.Type == "" && n.Message != "" {
		var inner sesNotification
		if json.Unmarshal([]byte(n.Message), &inner) != nil {
			return nil
		}
		n = inner
	}
	var list []delivery
	switch {
	case n.Type == "Bounce" && n.Bounce != nil:
		for _, r := range n.Bounce.Recipients {
			d := delivery{recipient: r.Address, action: r.Action, status: r.Status, date: n.Bounce.Timestamp,
				lhost: hostOnly(n.Bounce.ReportingMTA), agent: "amazonses"}
			if t, rest, ok := strings.Cut(r.Diagnostic, ";"); ok && !strings.ContainsAny(t, " <@") {
				d.spec = strings.ToUpper(strings.TrimSpace(t))
				d.diagnosis = strings.TrimSpace(rest)
			} else {
				d.diagnosis = r.Diagnostic
			}
			d.reason = sesBounceReasons[n.Bounce.SubType]
			list = append(list, d)
		}
	case n.Type == "Complaint" && n.Complaint != nil:
		ft := n.Complaint.FeedbackType
		if ft == "" {
			ft = "abuse"
		}
		for _, r := range n.Complaint.Recipients {
			list = append(list, delivery{recipient: r.Address, reason: reason.Feedback, feedbackType: ft,
				date: n.Complaint.Timestamp, diagnosis: n.Complaint.UserAgent})
		}
	case n.Type == "Delivery" && n.Delivery != nil:
		for _, r := range n.Delivery.Recipients {
			list = append(list, delivery{recipient: r, reason: reason.Delivered, action: "delivered",
				diagnosis: n.Delivery.SMTPResponse, status: findStatus(n.Delivery.SMTPResponse, "2"),
				lhost: hostOnly(n.Delivery.ReportingMTA), rhost: n.Delivery.RemoteMTAIP, date: n.Delivery.Timestamp})
		}
	}
	if len(list) == 0 {
		return nil
	}
	orig := ""
	if n.Mail != nil {
		from := n.Mail.Source
		if len(n.Mail.Common.From) > 0 {
			from = n.Mail.Common.From[0]
		}
		orig = "From: " + from + "\nSubject: " + n.Mail.Common.Subject + "\n"
		if n.Mail.MessageID != "" {
			orig += "Message-ID: <" + n.Mail.MessageID + ">\n"
		}
		if n.Mail.Timestamp != "" {
			orig += "Date: " + n.Mail.Timestamp + "\n"
		}
	}
	return &found{list: list, original: orig}
}
