//! Public ids: opaque UUIDv7 strings. Time-ordered, so new rows append to the primary-key index
//! and keyset pagination by id follows creation order.

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
