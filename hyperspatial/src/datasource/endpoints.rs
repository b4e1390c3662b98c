//! `DataSource::endpoints` over the store: the stored documents of an entity
//! collection read shard by shard (one shard's matches held at a time); a time-series
//! collection, whose rows are not stored as documents, through a scan.

use crate::store::{Database, EndpointRow};
use hyperql::{Endpoint, EndpointStream, EndpointsRequest, SourceError, Value};

/// The endpoints of `req`.
pub(super) fn endpoints<'a>(
    db: &'a Database,
    req: &EndpointsRequest,
) -> Result<EndpointStream<'a>, SourceError> {
    let collection = &req.pattern.collection;
    if db.time_series_of(collection).is_some() {
        return hyperql::scan_endpoints(db, req);
    }
    let shards = db.shard_count(collection)?;
    let pattern = req.pattern.clone();
    let interrupt = req.interrupt.clone();
    let mut next_shard = 0usize;
    let mut pending: std::collections::VecDeque<EndpointRow> = std::collections::VecDeque::new();
    Ok(Box::new(std::iter::from_fn(move || {
        loop {
            if let Some((entity, path, value)) = pending.pop_front() {
                return Some(Ok(Endpoint {
                    entity: Value::str(&entity),
                    path,
                    value,
                }));
            }
            if next_shard >= shards {
                return None;
            }
            let shard = next_shard;
            next_shard += 1;
            match db.endpoints_in_shard(&pattern, shard, &interrupt) {
                Ok(rows) => pending.extend(rows),
                Err(e) => {
                    next_shard = shards;
                    return Some(Err(e.into()));
                }
            }
        }
    })))
}
