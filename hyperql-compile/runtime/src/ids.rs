//! The next free id of each collection, kept by a write transaction and written to
//! the ids table once, when it commits (so that inserts do not rewrite the counter
//! per document).

use crate::error::Error;

/// Next free ids a transaction has taken, by collection.
#[derive(Debug, Default)]
pub struct NextIds {
    next: Vec<(&'static str, i64)>,
}

impl NextIds {
    /// The id of a new document of `collection`: `given`, or the next free one. The
    /// counter starts from `stored` (the ids table; `None`: 1) the first time and
    /// moves past every id taken.
    pub fn take(
        &mut self,
        collection: &'static str,
        given: Option<i64>,
        stored: impl FnOnce() -> Result<Option<i64>, Error>,
    ) -> Result<i64, Error> {
        let at = match self.next.iter().position(|(c, _)| *c == collection) {
            Some(at) => at,
            None => {
                self.next.push((collection, stored()?.unwrap_or(1)));
                self.next.len() - 1
            }
        };
        let next = &mut self.next[at].1;
        let id = given.unwrap_or(*next);
        if id >= *next {
            *next = id.saturating_add(1);
        }
        Ok(id)
    }

    /// The counters to store, each collection's next free id.
    pub fn pending(&self) -> impl Iterator<Item = (&'static str, i64)> + '_ {
        self.next.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_the_stored_value_and_past_given_ids() -> Result<(), Error> {
        let mut ids = NextIds::default();
        assert_eq!(ids.take("a", None, || Ok(Some(5)))?, 5);
        assert_eq!(ids.take("a", None, || Ok(Some(100)))?, 6);
        assert_eq!(ids.take("a", Some(3), || Ok(None))?, 3);
        assert_eq!(ids.take("a", Some(10), || Ok(None))?, 10);
        assert_eq!(ids.take("a", None, || Ok(None))?, 11);
        assert_eq!(ids.take("b", None, || Ok(None))?, 1);
        let mut p: Vec<_> = ids.pending().collect();
        p.sort();
        assert_eq!(p, vec![("a", 12), ("b", 2)]);
        assert!(
            NextIds::default()
                .take("c", None, || Err(Error::BadLimit(0)))
                .is_err()
        );
        Ok(())
    }
}
