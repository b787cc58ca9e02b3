// Package bounce reads bounce messages and turns each into one record per
// recipient that could not be reached: who, why (a reason name compatible
// with the Sisimai bounce parser), whether the failure is permanent
// ("hard"), and the facts the report carried.
//
// It understands the standard formats — RFC 3464 delivery status
// notifications (message/delivery-status) with RFC 3463 enhanced status
// codes, their internationalised form from RFC 6533
// (message/global-delivery-status), RFC 5965 abuse feedback reports
// (message/feedback-report) and RFC 3834 automatic replies — and the
// non-standard notices that common mail servers and providers send
// (Postfix, Sendmail, Exim, qmail, Exchange, Gmail, Yahoo, Amazon SES and
// many more). Messages arrive as single files, Maildir folders, mbox files
// or a stream; see Scan.
//
// Classification lives in the reason subpackage.
package bounce
