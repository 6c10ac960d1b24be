//! A district's SIS students: search (api.md v1.1, "Search") and the namesakes a transferred case's
//! person may be (`domain::matching`), both on the name-ordered index.

use super::cursor::Scope;
use super::keys::{self, GSI1, PK, SK};
use super::{from_item, s, Page, Store};
use crate::domain::{search, DistrictId, Student};
use crate::error::Error;

impl Store {
    /// The district's SIS students by last and first name, those matching `q` by the search rule.
    pub async fn search_students(
        &self,
        district: &DistrictId,
        q: Option<&str>,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Student>, Error> {
        let words = q.map(search::query_words).unwrap_or_default();
        let scope = Scope::new("students").with(district).with(words.join(" "));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::students_by_name_pk(district);
        let (items, last) = self
            .query_page(|| with_words(self.index_query(GSI1, &pk), &words), limit, start, &[PK, SK, "gsi1pk", "gsi1sk"])
            .await?;
        self.page(&scope, items, last)
    }
}

impl Store {
    /// The district's students whose folded last name is `last` (`domain::matching`): one Query on
    /// the name-ordered index, so its cost follows the namesakes, not the district's size.
    pub async fn students_named(&self, district: &DistrictId, last: &str) -> Result<Vec<Student>, Error> {
        let pk = keys::students_by_name_pk(district);
        let items = self
            .query_all(|| {
                self.db
                    .query()
                    .table_name(&self.table)
                    .index_name(GSI1)
                    .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :last)")
                    .expression_attribute_values(":pk", s(pk.as_str()))
                    .expression_attribute_values(":last", s(format!("{last}#")))
            })
            .await?;
        items.into_iter().map(from_item).collect()
    }
}

/// What a student is found by: names and SIS id (api.md v1.1, "Search").
pub(crate) fn student_index(s: &Student) -> (String, String) {
    let words = search::index_words([s.first_name.as_str(), &s.last_name, &s.sis_id]);
    let order = format!("{}#{}#{}", search::fold(&s.last_name), search::fold(&s.first_name), s.id);
    (search::search_text(&words), order)
}

/// Asks that every query word begin a word of the item's `searchText` (`domain::search`).
fn with_words(
    mut q: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    words: &[String],
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    if words.is_empty() {
        return q;
    }
    let mut filters = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        filters.push(format!("contains(searchText, :w{i})"));
        q = q.expression_attribute_values(format!(":w{i}"), s(search::needle(w)));
    }
    q.filter_expression(filters.join(" AND "))
}
