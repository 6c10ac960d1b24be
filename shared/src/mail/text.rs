//! Turning a notice into an email: plain text and HTML, with a link into the portal.

use super::OutgoingMail;
use crate::domain::notification::Notice;

pub fn render(notice: &Notice, to: &str, link: &str) -> OutgoingMail {
    let text = format!(
        "{}\n\nOpen the request: {link}\n\nThe District Transfer Portal complements, never replaces, direct \
         contact between districts.\n",
        notice.body
    );
    let html = format!(
        "<!doctype html><html><body><p>{}</p><p><a href=\"{}\">Open the request in the District Transfer Portal</a></p>\
         <p style=\"color:#555\">The District Transfer Portal complements, never replaces, direct contact between \
         districts.</p></body></html>",
        escape(&notice.body),
        escape(link)
    );
    OutgoingMail { to: to.to_owned(), subject: notice.subject.clone(), text, html }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
