//! Writing a checked import file. Upserts with the same keys each time, so importing the same file
//! again leaves exactly the same items; except entries, which are written once and never again (a
//! transfer freezes a history by reference, `domain::HistorySegment`): an entry already stored is
//! kept as it is, and a new one carries `writtenAt`, so a send's snapshot can leave it out.

use super::case_words::word_changes;
use super::cases::case_item;
use super::districts::DistrictRecord;
use super::keys::{self, GSI1};
use super::students::student_index;
use super::{from_item, s, string_attr, to_item, Item, Store};
use crate::domain::import::{sequence_part, ImportFile, SequencePart, StoredCases};
use crate::domain::{Case, CaseId, DistrictId, Staffing, Timestamp};
use crate::error::Error;
use std::collections::{HashMap, HashSet};

/// How an import is getting on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// The checks passed; this many items will be written.
    Writing { items: usize },
    /// Another batch of this many items is written.
    Wrote { items: usize },
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub districts: usize,
    pub users: usize,
    pub students: usize,
    pub cases: usize,
    /// Entries of the file.
    pub entries: usize,
    /// Of those, entries already stored: written once, never rewritten.
    pub entries_kept: usize,
    /// Cases of the file that the portal created on accept: kept as they are (entries are added).
    pub cases_kept: usize,
    /// Users of the file already in the table: kept as their administrators left them, unless the
    /// import was told to overwrite users (`ImportOptions`).
    pub users_kept: usize,
}

/// How an import treats what is stored.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImportOptions {
    /// Write the file's users over those already stored (`portal import --overwrite-users`). Without
    /// it an import only creates users: one a district administrator changed is not silently
    /// reverted by an older file.
    pub overwrite_users: bool,
}

impl Store {
    /// The case numbers each district of the file already holds, and which of its cases the portal
    /// created on accept, so that the importer can refuse a file whose numbers collide with them before
    /// writing anything: one Query per district on its case-number index, projecting only the id, the
    /// number and the provenance.
    pub async fn stored_cases(&self, file: &ImportFile) -> Result<StoredCases, Error> {
        let reads = file.districts.iter().map(|d| async move {
            let pk = keys::cases_by_number_pk(&d.id);
            let items = self
                .query_all(|| self.index_query(GSI1, &pk).projection_expression("id, caseNumber, provenance"))
                .await?;
            let cases = items
                .iter()
                .filter_map(|item| {
                    let id = CaseId::parse(&string_attr(item, "id")?).ok()?;
                    Some((id, string_attr(item, "caseNumber")?, item.contains_key("provenance")))
                })
                .collect::<Vec<_>>();
            Ok::<_, Error>((d.id.clone(), cases))
        });
        let mut stored = StoredCases::default();
        for read in futures::future::join_all(reads).await {
            let (district, cases) = read?;
            for (id, _, kept) in &cases {
                if *kept {
                    stored.kept.insert((district.clone(), id.clone()));
                }
            }
            stored.numbers.insert(district, cases.into_iter().map(|(id, number, _)| (id, number)).collect());
        }
        Ok(stored)
    }

    pub async fn import(&self, file: &ImportFile) -> Result<ImportCounts, Error> {
        self.import_reporting(file, &|_| {}).await
    }

    /// The same, telling `progress` what it is writing: first the number of items, then each batch.
    pub async fn import_reporting(
        &self,
        file: &ImportFile,
        progress: &(dyn Fn(ImportProgress) + Sync),
    ) -> Result<ImportCounts, Error> {
        self.import_with(file, ImportOptions::default(), progress).await
    }

    /// The same, as `options` say.
    pub async fn import_with(
        &self,
        file: &ImportFile,
        options: ImportOptions,
        progress: &(dyn Fn(ImportProgress) + Sync),
    ) -> Result<ImportCounts, Error> {
        let mut items: Vec<Item> = Vec::new();
        let seq = case_sequences(file);
        // What is already stored, read in batches of 100 keys rather than one item at a time.
        let mut wanted: Vec<Item> = file.districts.iter().map(|d| keys::district(&d.id)).collect();
        wanted.extend(file.cases.iter().map(|c| keys::case(&c.district_id, &c.id)));
        wanted.extend(file.users.iter().map(|u| keys::user(&u.district_id, &u.id)));
        let stored = self.batch_get(wanted).await?;
        let existing = |key: Item| stored.get(&super::batch::key_of(&key)).cloned();
        for d in &file.districts {
            // What the portal itself owns (who switched the setting, the case sequence) survives a
            // re-import; the setting in the file is the onboarding default for a new district only.
            let stored_item = existing(keys::district(&d.id));
            let stored_seq = stored_item.as_ref().map_or(0, super::districts::case_seq_of);
            let record: Option<DistrictRecord> = stored_item.map(from_item).transpose()?;
            let mut record = match record {
                Some(mut r) => {
                    r.district.name = d.name.clone();
                    r.district.notification_email = d.notification_email.clone();
                    // Settings the file gives (a district's administrators may have changed the
                    // others since: the file does not undo what it does not name).
                    let f = &d;
                    r.district.time_zone = f.time_zone.clone().or(r.district.time_zone);
                    r.district.records_rule = f.records_rule.or(r.district.records_rule);
                    r.district.annual_notice_covers_transfers =
                        f.annual_notice_covers_transfers.or(r.district.annual_notice_covers_transfers);
                    r.district.parent_notice_on_receive =
                        f.parent_notice_on_receive.or(r.district.parent_notice_on_receive);
                    r
                }
                None => DistrictRecord::new(d.clone()),
            };
            // The calendar has an item of its own (the profile is read on every call; a calendar is
            // read when a request is counted).
            record.district.calendar = vec![];
            if !d.calendar.is_empty() {
                items.push(super::settings::calendar_item(&d.id, &d.calendar, None)?);
            }
            let mut item = to_item(&record)?;
            item.extend(keys::district(&d.id));
            item.extend(super::directory::directory_attributes(&record.district));
            item.insert("caseSeq".into(), super::n(stored_seq.max(seq.get(&d.id).copied().unwrap_or(0))));
            if record.district.transfers_enabled {
                item.insert("gsi1pk".into(), s(keys::DIRECTORY_ON));
                item.insert("gsi1sk".into(), s(record.district.name.as_str()));
            }
            items.push(item);
        }
        let mut users_kept = 0;
        for u in &file.users {
            if !options.overwrite_users && existing(keys::user(&u.district_id, &u.id)).is_some() {
                users_kept += 1;
                continue;
            }
            items.push(super::users::user_item(u)?);
        }
        for st in &file.students {
            let mut item = to_item(st)?;
            item.extend(keys::student(&st.district_id, &st.id));
            let (text, order) = student_index(st);
            item.insert("searchText".into(), s(text));
            item.insert("gsi1pk".into(), s(keys::students_by_name_pk(&st.district_id)));
            item.insert("gsi1sk".into(), s(order));
            items.push(item);
        }
        let (mut entries, mut entries_kept, mut cases_kept) = (0, 0, 0);
        let now = Timestamp::now().to_rfc3339();
        let stored_entries = self.stored_entry_keys(file, &stored).await?;
        let mut stale_words = Vec::new();
        for c in &file.cases {
            // A case's transfer state belongs to the portal: keep it across re-imports.
            let old: Option<Case> = existing(keys::case(&c.district_id, &c.id)).map(from_item).transpose()?;
            let mut case = Case {
                id: c.id.clone(),
                district_id: c.district_id.clone(),
                header: c.header.clone(),
                pending_transfer: None,
                transferred_to: None,
                provenance: None,
                disclosures: vec![],
                own_entries: 0,
                inherited_history: vec![],
            };
            let already = stored_entries.get(&(&c.district_id, &c.id));
            let mut own = already.map_or(0, |keys| keys.len() as u64);
            let old_case = old.clone();
            match old {
                // A case the portal created on accept is a record another district sent: the file may
                // add entries of this district's own to it, never rewrite what was sent. Its staff are
                // the district's own (assigned on accept, the sender's kept in provenance): the file
                // may assign them, as a later sync from the district's own systems would.
                Some(old) if old.provenance.is_some() => {
                    case = old;
                    case.header.set_staffing(Staffing::of(&c.header));
                    cases_kept += 1;
                }
                Some(old) => {
                    case.pending_transfer = old.pending_transfer;
                    case.transferred_to = old.transferred_to;
                    case.disclosures = old.disclosures;
                    case.inherited_history = old.inherited_history;
                    if case.transferred_to.is_some() {
                        case.header.status = old.header.status;
                    }
                }
                None => {}
            }
            for e in &c.entries {
                entries += 1;
                let key = keys::entry(&c.district_id, &c.id, e.at, &e.id);
                if already.is_some_and(|keys| string_attr(&key, keys::SK).is_some_and(|sk| keys.contains(&sk))) {
                    entries_kept += 1;
                    continue;
                }
                let mut item = to_item(e)?;
                item.extend(key);
                item.insert("writtenAt".into(), s(&now));
                items.push(item);
                own += 1;
            }
            case.own_entries = own;
            let (words, stale) = word_changes(old_case.as_ref(), &case);
            items.extend(words);
            stale_words.extend(stale);
            items.push(case_item(&case)?);
        }
        progress(ImportProgress::Writing { items: items.len() });
        self.batch_put_reporting(items, &|n| progress(ImportProgress::Wrote { items: n })).await?;
        // After the new words: a search meanwhile finds the case by old words or new, never by neither.
        self.batch_delete(stale_words).await?;
        Ok(ImportCounts {
            districts: file.districts.len(),
            users: file.users.len(),
            students: file.students.len(),
            cases: file.cases.len(),
            entries,
            entries_kept,
            cases_kept,
            users_kept,
        })
    }
}

impl Store {
    /// The sort keys of the entries already stored for each case of the file that exists: those are
    /// never written again. A few keys-only Queries in flight at a time.
    async fn stored_entry_keys<'f>(
        &self,
        file: &'f ImportFile,
        stored: &super::batch::Found,
    ) -> Result<HashMap<(&'f DistrictId, &'f CaseId), HashSet<String>>, Error> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let existing = file
            .cases
            .iter()
            .filter(|c| stored.contains_key(&super::batch::key_of(&keys::case(&c.district_id, &c.id))));
        stream::iter(existing.map(|c| async move {
            let pk = keys::entries_pk(&c.district_id, &c.id);
            let items = self.query_all(|| self.prefix_query(&pk, "ENTRY#").projection_expression("sk")).await?;
            let sks = items.iter().filter_map(|i| string_attr(i, keys::SK)).collect();
            Ok::<_, Error>(((&c.district_id, &c.id), sks))
        }))
        .buffer_unordered(8)
        .try_collect()
        .await
    }
}

/// The highest number each district's cases already end in (`2026-0042`: 42; `domain::sequence_part`),
/// so numbers the portal gives out on accept never collide with imported ones. The import rules refuse
/// a number larger than the sequence holds.
fn case_sequences(file: &ImportFile) -> HashMap<&DistrictId, u64> {
    let mut seq: HashMap<&DistrictId, u64> = HashMap::new();
    for c in &file.cases {
        let n = match sequence_part(&c.header.case_number) {
            SequencePart::Number(n) => n,
            SequencePart::None | SequencePart::TooLarge => 0,
        };
        let e = seq.entry(&c.district_id).or_default();
        *e = (*e).max(n);
    }
    seq
}
