//! A destination's decision for each case of a request on accept (api.md v1.2, "Decisions per case"):
//! take it, linked to a student of its SIS or created from the transfer info, or decline it with a
//! reason. Declined cases go back to the sender, free to send again.

use super::assignment::Assignment;
use super::ids::*;
use serde::{Deserialize, Serialize};

/// How a taken case finds its person in the destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseLink {
    /// Link to a student the destination already has in its SIS.
    Sis {
        #[serde(rename = "studentId")]
        student_id: StudentId,
    },
    /// Create the person of concern from the transferred snapshot.
    TransferInfo,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Take the case, found this way, with the destination's own staff (`assign`).
    Take(CaseLink, Assignment),
    Decline {
        reason: String,
    },
}

/// `{sourceCaseId, link}` or `{sourceCaseId, decline: {reason}}`, never both, never neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DecisionBody", into = "DecisionBody")]
pub struct Decision {
    pub source_case_id: CaseId,
    pub choice: Choice,
}

impl Decision {
    pub fn link(&self) -> Option<&CaseLink> {
        match &self.choice {
            Choice::Take(link, _) => Some(link),
            Choice::Decline { .. } => None,
        }
    }

    pub fn assignment(&self) -> Option<&Assignment> {
        match &self.choice {
            Choice::Take(_, assign) => Some(assign),
            Choice::Decline { .. } => None,
        }
    }

    pub fn declined(&self) -> Option<&str> {
        match &self.choice {
            Choice::Decline { reason } => Some(reason),
            Choice::Take(..) => None,
        }
    }
}

/// The decision as JSON carries it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DecisionBody {
    source_case_id: CaseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<CaseLink>,
    /// Absent is "assign nothing"; `null` is refused like any value that is not an object.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    assign: Option<Assignment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decline: Option<Decline>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Assignment>, D::Error> {
    Assignment::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Decline {
    reason: String,
}

impl TryFrom<DecisionBody> for Decision {
    type Error = &'static str;
    fn try_from(body: DecisionBody) -> Result<Self, Self::Error> {
        let choice = match (body.link, body.decline) {
            (Some(link), None) => Choice::Take(link, body.assign.unwrap_or_default()),
            (None, Some(_)) if body.assign.is_some() => return Err("a declined case is not assigned"),
            (None, Some(d)) => Choice::Decline { reason: d.reason },
            (Some(_), Some(_)) => return Err("give a link or a decline, not both"),
            (None, None) => return Err("give a link (take the case) or a decline (with a reason)"),
        };
        Ok(Decision { source_case_id: body.source_case_id, choice })
    }
}

impl From<Decision> for DecisionBody {
    fn from(d: Decision) -> Self {
        let (link, assign, decline) = match d.choice {
            Choice::Take(link, assign) => (Some(link), (assign != Assignment::default()).then_some(assign), None),
            Choice::Decline { reason } => (None, None, Some(Decline { reason })),
        };
        DecisionBody { source_case_id: d.source_case_id, link, assign, decline }
    }
}

/// What became of a case of an accepted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseOutcome {
    Accepted,
    Declined,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_decision_takes_or_declines_never_both_nor_neither() {
        let take: Decision =
            serde_json::from_value(json!({"sourceCaseId": "c-1", "link": {"type": "transfer_info"}})).unwrap();
        assert_eq!(take.link(), Some(&CaseLink::TransferInfo));
        assert_eq!(take.assignment(), Some(&Assignment::default()));
        let assigned: Decision = serde_json::from_value(
            json!({"sourceCaseId": "c-1", "link": {"type": "transfer_info"}, "assign": {"teamName": "BTAM"}}),
        )
        .unwrap();
        assert_eq!(assigned.assignment().unwrap().team_name.as_deref(), Some("BTAM"));
        let decline: Decision =
            serde_json::from_value(json!({"sourceCaseId": "c-1", "decline": {"reason": "Never enrolled"}})).unwrap();
        assert_eq!(decline.declined(), Some("Never enrolled"));
        assert_eq!(
            serde_json::to_value(&decline).unwrap(),
            json!({"sourceCaseId": "c-1", "decline": {"reason": "Never enrolled"}})
        );
        for bad in [
            json!({"sourceCaseId": "c-1"}),
            json!({"sourceCaseId": "c-1", "link": {"type": "transfer_info"}, "decline": {"reason": "r"}}),
            json!({"sourceCaseId": "c-1", "decline": {}}),
            json!({"sourceCaseId": "c-1", "decline": {"reason": "r"}, "assign": {"building": "B"}}),
            json!({"sourceCaseId": "c-1", "link": {"type": "transfer_info"}, "assign": {"room": "B"}}),
        ] {
            assert!(serde_json::from_value::<Decision>(bad.clone()).is_err(), "{bad}");
        }
    }
}
