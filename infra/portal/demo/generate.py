#!/usr/bin/env python3
"""Writes demo.json: the bundled demo data of `portal serve --demo` (fixtures.md format).

Deterministic (fixed seed), so re-running it gives the same file. All people are fictional.
"""
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20261129)

districts = [
    {"id": "d-springfield", "name": "Springfield Unified", "transfersEnabled": True,
     "notificationEmail": "safety@springfield.k12.example", "timeZone": "America/Chicago",
     "recordsRule": {"preset": "TX"}},
    {"id": "d-shelbyville", "name": "Shelbyville Public Schools", "transfersEnabled": True,
     "notificationEmail": "btam@shelbyville.k12.example", "timeZone": "America/New_York",
     "recordsRule": {"preset": "FL"}},
    {"id": "d-capital", "name": "Capital City School District", "transfersEnabled": False},
]
users = [
    ("u-alice", "d-springfield", "Alice Ng", ["manage_cases", "manage_users"]),
    ("u-bob", "d-springfield", "Bob Okafor", ["view_cases"]),
    ("u-sam", "d-springfield", "Sam Lee", ["manage_cases", "view_cases"]),
    ("u-carol", "d-shelbyville", "Carol Diaz", ["manage_cases", "manage_users"]),
    ("u-dev", "d-shelbyville", "Dev Patel", ["manage_cases"]),
    ("u-erin", "d-capital", "Erin Walsh", ["manage_cases"]),
    ("u-frank", "d-capital", "Frank Moreau", ["view_cases"]),
]
domains = {"d-springfield": "springfield.k12.example", "d-shelbyville": "shelbyville.k12.example",
           "d-capital": "capitalcity.k12.example"}
first = ["Jordan", "Avery", "Riley", "Casey", "Morgan", "Taylor", "Quinn", "Rowan", "Emerson", "Finley",
         "Harper", "Jules", "Kai", "Logan", "Micah", "Noel", "Parker", "Reese", "Sage", "Skyler"]
last = ["Reyes", "Kim", "Johnson", "Novak", "Haddad", "Mensah", "Lindqvist", "Okoro", "Silva", "Tran",
        "Walker", "Yilmaz", "Brennan", "Castillo", "Dubois", "Fischer", "Gupta", "Ivanova", "Moreno", "Nakamura"]
buildings = {
    "d-springfield": ["Lincoln Middle School", "Springfield High School", "Evergreen Elementary"],
    "d-shelbyville": ["Shelbyville Middle", "Shelbyville High", "Oak Park Elementary"],
    "d-capital": ["Capital Heights Middle", "Riverside High"],
}
staff = ["Dana Ortiz", "Sam Lee", "Priya Raman", "Marcus Bell", "Helen Zhou", "Tom Becker", "Nia Adams", "Luis Garcia"]

# Whom the other district calls about a code: the coordinators have a phone on record.
phones = {"u-alice": "+1 217 555 0142", "u-sam": "+1 217 555 0178", "u-carol": "+1 217 555 0193",
          "u-dev": "+1 217 555 0115", "u-erin": "+1 217 555 0166"}

out = {"districts": districts, "users": [], "students": [], "cases": []}
for uid, did, name, perms in users:
    user = {"id": uid, "districtId": did, "name": name, "email": f"{uid[2:]}@{domains[did]}"}
    if uid in phones:
        user["phone"] = phones[uid]
    user["permissions"] = perms
    out["users"].append(user)

sid = 1000
for did in ["d-springfield", "d-shelbyville", "d-capital"]:
    for i in range(8):
        sid += 1
        out["students"].append({
            "id": f"s-{sid}", "districtId": did, "sisId": f"SIS-{sid}",
            "firstName": rng.choice(first), "lastName": rng.choice(last),
            "dateOfBirth": f"{rng.randint(2009, 2016)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "grade": str(rng.randint(3, 12)), "building": rng.choice(buildings[did]),
        })
# The student Springfield's first case will be linked to when Shelbyville accepts it.
out["students"].append({"id": "s-2001", "districtId": "d-shelbyville", "sisId": "SIS-2001",
                        "firstName": "Jordan", "lastName": "Reyes", "dateOfBirth": "2011-03-14",
                        "grade": "8", "building": "Shelbyville Middle"})
# A namesake with another date of birth: the accept step tells the two apart (a possible match only).
out["students"].append({"id": "s-2002", "districtId": "d-shelbyville", "sisId": "SIS-2002",
                        "firstName": "Jordan", "lastName": "Reyes", "dateOfBirth": "2012-06-02",
                        "grade": "7", "building": "Shelbyville High"})

entry_texts = {
    "note": ["Initial referral from teacher.", "Parent meeting held; concerns shared.", "Follow-up call with counselor."],
    "assessment": ["Threat assessment completed: transient.", "Re-assessment after incident: substantive, low."],
    "management_strategy": ["Weekly check-in with counselor.", "Safety plan reviewed with family.",
                            "Schedule change to reduce unstructured time."],
    "intervention": ["Referred to community mental-health partner.", "Mentoring program started."],
    "contact": ["Contacted parent by phone.", "Email to school resource officer."],
    "status_change": ["Case moved to monitoring.", "Case reopened after new report."],
}

def entries(case_id, opened, n):
    result = []
    t = opened
    for i in range(n):
        kind = rng.choice(list(entry_texts))
        t = t + timedelta(hours=rng.randint(2, 30))
        result.append({"id": f"{case_id}-e{i + 1}", "at": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "type": kind,
                       "author": rng.choice(staff), "text": rng.choice(entry_texts[kind])})
    return result

counts = {"d-springfield": 12, "d-shelbyville": 6, "d-capital": 6}
cid = 0
for did, n in counts.items():
    local_students = [s for s in out["students"] if s["districtId"] == did]
    for i in range(n):
        cid += 1
        case_id = f"c-{cid}"
        opened = datetime(2026, 8, 20, 14, 0, tzinfo=timezone.utc) + timedelta(days=rng.randint(0, 60))
        student = local_students[i % len(local_students)]
        poc = {"firstName": student["firstName"], "lastName": student["lastName"],
               "dateOfBirth": student["dateOfBirth"], "grade": student["grade"], "studentId": student["id"]}
        if did == "d-springfield" and i == 0:
            poc = {"firstName": "Jordan", "lastName": "Reyes", "dateOfBirth": "2011-03-14", "grade": "8",
                   "studentId": student["id"]}
        # Case c-2 is the long one: more than a thousand entries of history.
        n_entries = 1200 if case_id == "c-2" else rng.randint(2, 12)
        team_building = rng.choice(buildings[did])
        out["cases"].append({
            "id": case_id, "districtId": did, "caseNumber": f"2026-{i + 1:04d}",
            "personOfConcern": poc, "building": team_building,
            "teamName": team_building.split()[0] + " BTAM", "teamLeader": rng.choice(staff),
            "caseManager": rng.choice(staff), "status": rng.choice(["open", "open", "monitoring", "closed"]),
            "riskLevel": rng.choice(["low", "moderate", "high"]),
            "openedAt": opened.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "entries": entries(case_id, opened, n_entries),
        })

with open(__file__.replace("generate.py", "demo.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"{len(out['cases'])} cases, {sum(len(c['entries']) for c in out['cases'])} entries")
