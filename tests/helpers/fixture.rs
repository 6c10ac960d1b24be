//! The districts, people and cases the end-to-end tests work with.
//! North and South have transfers ON, East has them OFF.

use serde_json::{json, Value};

pub const NORTH: &str = "d-north";
pub const SOUTH: &str = "d-south";
pub const EAST: &str = "d-east";

/// North's users: Ann and Nia manage cases, Ned only views. South: Sue and Sid manage.
/// East: Eve manages.
pub fn standard() -> Value {
    let mut cases = Vec::new();
    for i in 1..=30 {
        let (building, team, leader, manager) = if i % 2 == 0 {
            ("Lincoln Middle School", "Lincoln BTAM", "Dana Ortiz", "Sam Lee")
        } else {
            ("North High School", "North High Team", "Priya Raman", "Marcus Bell")
        };
        cases.push(json!({
            "id": format!("c-n{i}"), "districtId": NORTH, "caseNumber": format!("2026-{i:04}"),
            "personOfConcern": {"firstName": if i == 1 { "Jordan" } else { "Avery" },
                                "lastName": format!("Student{i}"), "dateOfBirth": "2011-03-14", "grade": "8"},
            "building": building, "teamName": team, "teamLeader": leader, "caseManager": manager,
            "status": if i == 30 { "closed" } else { "open" }, "riskLevel": "moderate",
            "openedAt": "2026-09-02T15:04:05Z",
            "entries": (1..=3).map(|e| json!({
                "id": format!("e-{i}-{e}"), "at": format!("2026-09-{:02}T10:00:00Z", e + 2),
                "type": "note", "author": manager, "text": format!("Entry {e} of case {i}.")
            })).collect::<Vec<_>>()
        }));
    }
    cases.push(json!({
        "id": "c-s1", "districtId": SOUTH, "caseNumber": "2026-0007",
        "personOfConcern": {"firstName": "Riley", "lastName": "Southard"},
        "building": "South Middle", "teamName": "South BTAM", "teamLeader": "Tom Becker", "caseManager": "Nia Adams",
        "status": "open", "openedAt": "2026-09-02T15:04:05Z", "entries": []
    }));
    cases.push(json!({
        "id": "c-e1", "districtId": EAST, "caseNumber": "2026-0001",
        "personOfConcern": {"firstName": "Casey", "lastName": "Eastman"},
        "building": "East High", "teamName": "East Team", "teamLeader": "Luis Garcia", "caseManager": "Luis Garcia",
        "status": "open", "openedAt": "2026-09-02T15:04:05Z", "entries": []
    }));
    json!({
        "districts": [
            {"id": NORTH, "name": "North Unified", "transfersEnabled": true, "notificationEmail": "safety@north.example"},
            {"id": SOUTH, "name": "South County Schools", "transfersEnabled": true, "notificationEmail": "btam@south.example"},
            {"id": EAST, "name": "East Valley District", "transfersEnabled": false}
        ],
        "users": [
            {"id": "u-ann", "districtId": NORTH, "name": "Ann North", "email": "ann@north.example", "permissions": ["manage_cases"]},
            {"id": "u-nia", "districtId": NORTH, "name": "Nia North", "email": "nia@north.example", "permissions": ["manage_cases", "view_cases"]},
            {"id": "u-ned", "districtId": NORTH, "name": "Ned North", "email": "ned@north.example", "permissions": ["view_cases"]},
            {"id": "u-sue", "districtId": SOUTH, "name": "Sue South", "email": "sue@south.example", "permissions": ["manage_cases"]},
            {"id": "u-sid", "districtId": SOUTH, "name": "Sid South", "email": "sid@south.example", "permissions": ["manage_cases"]},
            {"id": "u-eve", "districtId": EAST, "name": "Eve East", "email": "eve@east.example", "permissions": ["manage_cases"]}
        ],
        "students": [
            {"id": "s-100", "districtId": SOUTH, "sisId": "SIS-100", "firstName": "Jordan", "lastName": "Reyes",
             "dateOfBirth": "2011-03-14", "grade": "8", "building": "South Middle"},
            {"id": "s-101", "districtId": SOUTH, "sisId": "SIS-101", "firstName": "Avery", "lastName": "Kim"},
            {"id": "s-900", "districtId": NORTH, "sisId": "SIS-900", "firstName": "Norah", "lastName": "Northern"}
        ],
        "cases": cases
    })
}
