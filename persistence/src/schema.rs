//! The diesel schema. Written for both backends: only types both support (no Uuid, Jsonb or
//! Timestamptz): ids are text or BIGINT, times are naive UTC `Timestamp`, JSON is `Text`.

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        org_scope -> Nullable<Text>,
        request_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        detail -> Text,
    }
}
