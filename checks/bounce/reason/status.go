package reason

// byStatus maps the enhanced status codes whose meaning is specific
// enough (RFC 3463 §3, RFC 5248's registry, RFC 7372, RFC 7505) to a
// reason. Vague codes (X.0.0, 4.3.0, 4.4.0, 4.5.0, 4.7.0, X.5.1 and
// friends) are absent on purpose: the diagnostic text decides those.
var byStatus = map[string]Reason{
	"2.1.5": Delivered,

	"4.1.6": HasMoved, "4.1.7": Rejected, "4.1.8": Rejected, "4.1.9": SystemError,
	"4.2.1": Blocked, "4.2.2": MailboxFull, "4.2.3": ExceedLimit, "4.2.4": Filtered,
	"4.3.1": SystemFull, "4.3.2": NotAccept, "4.3.3": SystemError, "4.3.5": SystemError,
	"4.4.1": Expired, "4.4.2": NetworkError, "4.4.3": SystemError, "4.4.4": NetworkError,
	"4.4.5": SystemFull, "4.4.6": NetworkError, "4.4.7": Expired, "4.4.8": NetworkError,
	"4.5.3": SystemError, "4.5.5": SystemError,
	"4.6.0": ContentError, "4.6.2": ContentError, "4.6.5": ContentError,
	"4.7.1": Blocked, "4.7.2": Blocked, "4.7.5": SecurityError, "4.7.6": SecurityError,
	"4.7.7": SecurityError, "4.7.12": SecurityError, "4.7.15": SecurityError,
	"4.7.16": MesgTooBig, "4.7.24": AuthFailure, "4.7.25": RequirePTR, "4.7.26": AuthFailure,

	"5.1.0": UserUnknown, "5.1.1": UserUnknown, "5.1.2": HostUnknown, "5.1.3": UserUnknown,
	"5.1.4": Filtered, "5.1.6": HasMoved, "5.1.7": Rejected, "5.1.8": Rejected,
	"5.1.9": SystemError, "5.1.10": NotAccept,
	"5.2.0": Filtered, "5.2.1": Filtered, "5.2.2": MailboxFull, "5.2.3": ExceedLimit,
	"5.2.4": Filtered,
	"5.3.0": SystemError, "5.3.1": SystemFull, "5.3.2": NotAccept, "5.3.3": SystemError,
	"5.3.4": MesgTooBig, "5.3.5": SystemError,
	"5.4.0": NetworkError, "5.4.3": SystemError, "5.4.4": HostUnknown,
	"5.5.2": SyntaxError, "5.5.3": TooManyConn, "5.5.4": SystemError, "5.5.5": SystemError,
	"5.5.6": SyntaxError,
	"5.6.0": ContentError, "5.6.1": ContentError, "5.6.2": ContentError, "5.6.3": ContentError,
	"5.6.5": ContentError, "5.6.6": ContentError, "5.6.7": ContentError, "5.6.8": ContentError,
	"5.6.9": ContentError,
	"5.7.0": SecurityError, "5.7.1": SecurityError, "5.7.2": SecurityError, "5.7.3": SecurityError,
	"5.7.4": SecurityError, "5.7.5": SecurityError, "5.7.6": SecurityError, "5.7.7": SecurityError,
	"5.7.8": SecurityError, "5.7.9": SecurityError, "5.7.10": SecurityError,
	"5.7.11": SecurityError, "5.7.13": Suspend, "5.7.14": SecurityError,
	"5.7.15": SecurityError, "5.7.16": MesgTooBig, "5.7.17": HasMoved, "5.7.18": HasMoved,
	"5.7.19": SecurityError, "5.7.20": AuthFailure, "5.7.21": AuthFailure,
	"5.7.22": AuthFailure, "5.7.23": AuthFailure, "5.7.24": AuthFailure,
	"5.7.25": RequirePTR, "5.7.26": AuthFailure, "5.7.27": NotAccept,
	"5.7.28": SpamDetected, "5.7.29": AuthFailure, "5.7.30": FailedSTARTTLS,
}

// ByStatus returns the reason an enhanced status code means by itself,
// "" when the code is vague or unknown.
func ByStatus(status string) Reason {
	return byStatus[status]
}

// pseudoDetail numbers each reason for a pseudo status code "5.0.9xx":
// a report without a status code gets one that says its reason, in the
// numbering the reference parser uses, so that results compare.
var pseudoDetail = map[Reason]string{
	AuthFailure: "926", BadReputation: "975", Blocked: "971", ContentError: "960",
	ExceedLimit: "923", Expired: "947", FailedSTARTTLS: "976", Filtered: "910",
	HasMoved: "916", HostUnknown: "912", MailboxFull: "922", MailerError: "939",
	MesgTooBig: "934", NetworkError: "944", NoRelaying: "909", NotAccept: "932",
	NotCompliantRFC: "974", OnHold: "901", PolicyViolation: "972", Rejected: "918",
	RequirePTR: "973", SecurityError: "970", SpamDetected: "980", Speeding: "946",
	Suppressed: "903", Suspend: "921", SystemError: "930", SystemFull: "931",
	SyntaxError: "902", TooManyConn: "945", UserUnknown: "911", Undefined: "900",
	VirusDetected: "981",
}

// PseudoStatus returns the pseudo status code for a reason: "5.0.9xx",
// or "4.0.9xx" when the failure is temporary. Hasmoved, hostunknown and
// userunknown are never temporary; their temporary code is "".
func PseudoStatus(name Reason, temporary bool) string {
	d, ok := pseudoDetail[name]
	if !ok {
		return ""
	}
	if temporary {
		if name == HasMoved || name == HostUnknown || name == UserUnknown {
			return ""
		}
		if name == Filtered {
			return "4.0.924"
		}
		return "4.0." + d
	}
	return "5.0." + d
}
