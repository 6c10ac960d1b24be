//! The deployment's districts, for choosing one (api.md v1.2, "Permissions and district settings"):
//! every district (a records request may go to one with transfers OFF) on gsi2 `DIRECTORY#ALL`, those
//! with transfers ON on the sparse gsi1 `DIRECTORY#ON`; both by name, paged, searchable by the start of
//! a word of the name, the caller's own left out.

use super::cursor::Scope;
use super::keys::{self, GSI1, GSI2, PK, SK};
use super::{s, Item, Page, Store};
use crate::domain::{search, District, DistrictId, DistrictRef};
use crate::error::Error;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directory {
    /// Every district.
    All,
    /// Districts with transfers ON: the destinations of a send.
    TransfersOn,
}

/// The index attributes of a district's profile: its place in the list of all, and its search words.
pub(crate) fn directory_attributes(d: &District) -> Item {
    let words = search::index_words([d.name.as_str()]);
    Item::from([
        ("gsi2pk".to_owned(), s(keys::DIRECTORY_ALL)),
        ("gsi2sk".to_owned(), s(format!("{}#{}", search::fold(&d.name), d.id))),
        ("searchText".to_owned(), s(search::search_text(&words))),
    ])
}

impl Store {
    pub async fn directory(
        &self,
        which: Directory,
        except: &DistrictId,
        q: Option<&str>,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<DistrictRef>, Error> {
        let words = q.map(search::query_words).unwrap_or_default();
        let (index, pk, name) = match which {
            Directory::All => (GSI2, keys::DIRECTORY_ALL, "all"),
            Directory::TransfersOn => (GSI1, keys::DIRECTORY_ON, "on"),
        };
        let scope = Scope::new("districts").with(name).with(except).with(words.join(" "));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let key_attrs = [PK, SK, &format!("{index}pk"), &format!("{index}sk")];
        let (items, last) = self
            .query_page(
                || {
                    let mut q = self.index_query(index, pk).expression_attribute_values(":me", s(except.as_str()));
                    let mut filter = vec!["id <> :me".to_owned()];
                    for (i, w) in words.iter().enumerate() {
                        filter.push(format!("contains(searchText, :w{i})"));
                        q = q.expression_attribute_values(format!(":w{i}"), s(search::needle(w)));
                    }
                    q.filter_expression(filter.join(" AND "))
                },
                limit,
                start,
                &key_attrs,
            )
            .await?;
        self.page(&scope, items, last)
    }
}
