//! The receiving desk (issue 18, api.md v1.2 "Matching and assignment"): who the person may be in the
//! destination's SIS, and the destination's own staff on the cases it takes.

use e2e::fixture::{NORTH, SOUTH};
use e2e::spawn_app;
use serde_json::{json, Value};

/// South's students who share a last name with North's case c-n1 (Jordan Student1, born 2011-03-14,
/// grade 8), and one of North's whom South must never see.
async fn namesakes(app: &e2e::TestApp) {
    let student = |id: &str, district: &str, first: &str, last: &str, dob: Option<&str>| {
        let mut s = json!({"id": id, "districtId": district, "sisId": format!("SIS-{id}"), "firstName": first,
                           "lastName": last, "building": "South Middle"});
        if let Some(d) = dob {
            s["dateOfBirth"] = json!(d);
        }
        s
    };
    let file = json!({"districts": [
        {"id": NORTH, "name": "North Unified", "transfersEnabled": true, "notificationEmail": "safety@north.example"},
        {"id": SOUTH, "name": "South County Schools", "transfersEnabled": true, "notificationEmail": "btam@south.example"}],
        "students": [
        student("s-strong", SOUTH, "Jordan", "Student1", Some("2011-03-14")),
        student("s-name", SOUTH, "Jordan", "STUDENT1", None),
        student("s-short", SOUTH, "Jo", "Student1", Some("2012-01-01")),
        student("s-born", SOUTH, "Casey", "Student1", Some("2011-03-14")),
        student("s-none", SOUTH, "Casey", "Student1", None),
        student("s-other", SOUTH, "Jordan", "Student10", Some("2011-03-14")),
        student("s-north", NORTH, "Jordan", "Student1", Some("2011-03-14")),
    ]});
    match portal::import::run(&app.app.store, &file.to_string()).await.unwrap() {
        portal::import::ImportOutcome::Imported(_) => {}
        portal::import::ImportOutcome::Rejected(p) => {
            panic!("{:?}", p.iter().map(|p| (&p.path, &p.message)).collect::<Vec<_>>())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_come_best_first_and_only_to_the_destination_after_the_code() {
    let app = spawn_app().await;
    namesakes(&app).await;
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let path = format!("/v1/transfers/{t}/cases/c-n1/matches");
    // Before the code the person's name is not the destination's to see: nothing is there.
    for user in ["u-sue", "u-ann", "u-eve"] {
        assert!(app.get(user, &path).await.is_problem(404, "not_found"), "{user} before the code");
    }
    assert_eq!(app.verify("u-sue", &t, &code).await.status, 200);
    let r = app.get("u-sue", &path).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let found: Vec<(String, String, Value)> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["student"]["id"].as_str().unwrap().to_owned(),
                m["match"].as_str().unwrap().to_owned(),
                m["reasons"].clone(),
            )
        })
        .collect();
    let want = [
        ("s-strong", "strong", json!(["name", "dateOfBirth"])),
        ("s-born", "possible", json!(["lastName", "dateOfBirth"])),
        ("s-name", "possible", json!(["name"])),
        ("s-short", "possible", json!(["name"])),
    ];
    let want: Vec<(String, String, Value)> = want.into_iter().map(|(a, b, c)| (a.into(), b.into(), c)).collect();
    assert_eq!(found, want);
    // A row carries what tells two namesakes apart.
    let best = &r.body["items"][0]["student"];
    assert_eq!(
        (best["sisId"].clone(), best["dateOfBirth"].clone(), best["building"].clone()),
        (json!("SIS-s-strong"), json!("2011-03-14"), json!("South Middle"))
    );
    // The source, another district, an unknown case: nothing there either, after the code.
    assert!(app.get("u-ann", &path).await.is_problem(404, "not_found"));
    assert!(app.get("u-eve", &path).await.is_problem(404, "not_found"));
    assert!(app.get("u-sue", &format!("/v1/transfers/{t}/cases/c-n2/matches")).await.is_problem(404, "not_found"));
    assert!(app.get("u-sue", &format!("/v1/transfers/{t}/cases/c%23n1/matches")).await.status / 100 == 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_case_gets_the_destinations_own_staff_and_keeps_the_senders_as_provenance() {
    let app = spawn_app().await;
    namesakes(&app).await;
    let (t, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    let path = format!("/v1/transfers/{t}/accept");
    let accept = |decisions: Value| json!({"authCode": code, "decisions": decisions});
    let with = |assign: Value| {
        json!([{"sourceCaseId": "c-n1", "link": {"type": "sis", "studentId": "s-strong"}, "assign": assign},
               {"sourceCaseId": "c-n2", "link": {"type": "transfer_info"}}])
    };
    // Assigned values are short single lines; a decline is not assigned.
    for (assign, field) in [
        (json!({"teamName": "x".repeat(201)}), "decisions[0].assign.teamName"),
        (json!({"caseManager": "Nia\u{1b}[31m Adams"}), "decisions[0].assign.caseManager"),
        (json!({"teamLeader": "Tom\nBecker"}), "decisions[0].assign.teamLeader"),
        (json!({"building": "   "}), "decisions[0].assign.building"),
    ] {
        let r = app.post("u-sue", &path, accept(with(assign.clone()))).await;
        assert!(r.is_problem(400, "validation_failed"), "{assign}: {:?}", r.body);
        assert_eq!(r.body["errors"][0]["field"], field, "{assign}");
    }
    for bad in [
        with(json!({"room": "12"})),
        json!([{"sourceCaseId": "c-n1", "decline": {"reason": "r"}, "assign": {"teamName": "T"}},
                                                   {"sourceCaseId": "c-n2", "link": {"type": "transfer_info"}}]),
    ] {
        assert!(app.post("u-sue", &path, accept(bad)).await.is_problem(400, "validation_failed"));
    }

    let r =
        app.post("u-sue", &path, accept(with(json!({"teamName": "South BTAM", "caseManager": " Nia Adams "})))).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let created: Vec<String> =
        r.body["createdCases"].as_array().unwrap().iter().map(|c| c["caseId"].as_str().unwrap().to_owned()).collect();
    let linked = app.case("u-sue", &created[0]).await.body;
    let staff = |c: &Value| {
        [&c["building"], &c["teamName"], &c["teamLeader"], &c["caseManager"]].map(|v| v.as_str().unwrap().to_owned())
    };
    // The building is the linked student's own; what was not assigned is empty, never North's.
    assert_eq!(staff(&linked), ["South Middle", "South BTAM", "", "Nia Adams"]);
    let from_info = app.case("u-sue", &created[1]).await.body;
    assert_eq!(staff(&from_info), ["", "", "", ""]);
    assert_eq!(
        linked["provenance"]["source"],
        json!({"building": "North High School", "teamName": "North High Team", "teamLeader": "Priya Raman", "caseManager": "Marcus Bell"})
    );
    assert_eq!(from_info["provenance"]["source"]["teamName"], "Lincoln BTAM");

    // Unassigned cases are found as such (South's own imported case is fully staffed).
    let ids = |body: &Value| {
        body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let unassigned = app.get("u-sue", "/v1/cases?unassigned=true").await;
    assert_eq!(ids(&unassigned.body), created);
    assert_eq!(ids(&app.get("u-sue", "/v1/cases?unassigned=true&limit=1").await.body).len(), 1);
    let paged = app.all_entries("u-sue", "/v1/cases?unassigned=true&limit=1").await;
    assert_eq!(paged.len(), 2);
    assert_eq!(ids(&app.get("u-sue", "/v1/cases?unassigned=true&q=student1").await.body), [created[0].clone()]);
    assert_eq!(ids(&app.get("u-sue", "/v1/cases?unassigned=false").await.body).len(), 3);
    assert!(app.get("u-ann", "/v1/cases?unassigned=true").await.body["items"].as_array().unwrap().is_empty());
    let r = app.get("u-sue", "/v1/cases?unassigned=yes").await;
    assert!(r.is_problem(400, "validation_failed"));
    assert_eq!(r.body["errors"][0]["field"], "unassigned");
    // A cursor of the filtered list is not one of the whole list.
    let first = app.get("u-sue", "/v1/cases?unassigned=true&limit=1").await;
    let cursor = first.body["nextCursor"].as_str().unwrap();
    assert!(app.get("u-sue", &format!("/v1/cases?limit=1&cursor={cursor}")).await.is_problem(400, "validation_failed"));

    // The values South's cases use, its own only, by word prefix.
    let app = &app;
    let values = |q: &str| {
        let path = format!("/v1/case-values?{q}");
        async move { app.get("u-sue", &path).await }
    };
    assert_eq!(values("field=teamName").await.body["items"], json!(["South BTAM"]));
    assert_eq!(values("field=caseManager&q=ada").await.body["items"], json!(["Nia Adams"]));
    assert_eq!(values("field=building").await.body["items"], json!(["South Middle"]));
    assert_eq!(values("field=teamLeader&q=tom").await.body["items"], json!(["Tom Becker"]));
    assert_eq!(values("field=teamLeader&q=priya").await.body["items"], json!([]), "never North's");
    assert!(app.get("u-ann", "/v1/case-values?field=teamName").await.body["items"]
        .as_array()
        .unwrap()
        .contains(&json!("Lincoln BTAM")));
    for bad in
        ["", "field=room", "field=teamName&q=".to_owned().as_str(), &format!("field=teamName&q={}", "a".repeat(101))]
    {
        let r = app.get("u-sue", &format!("/v1/case-values?{bad}")).await;
        if bad == "field=teamName&q=" {
            assert_eq!(r.status, 200, "an empty q is no q");
        } else {
            assert!(r.is_problem(400, "validation_failed"), "{bad}: {:?}", r.body);
        }
    }
}
