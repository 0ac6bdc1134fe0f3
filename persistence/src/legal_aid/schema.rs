//! The legal-aid tables (see migrations `*_legal_aid`), beside the main schema so each file
//! stays readable.

diesel::table! {
    legal_aid_cases (id) {
        id -> Text,
        applicant_id -> Text,
        org_id -> Text,
        org_path -> Text,
        category -> Text,
        status -> Text,
        employer_enc -> Text,
        employer_index -> Text,
        claim_amount_fen -> Nullable<BigInt>,
        description_enc -> Text,
        contact_phone_enc -> Text,
        consent_version -> Text,
        consented_at -> Timestamp,
        assignee_id -> Nullable<Text>,
        court_case_no_enc -> Nullable<Text>,
        recovered_fen -> Nullable<BigInt>,
        reason_enc -> Nullable<Text>,
        attachment_count -> Integer,
        submitted_at -> Timestamp,
        review_due_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    legal_aid_events (id) {
        id -> Text,
        case_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Text,
        actor_role -> Text,
        assignee_id -> Nullable<Text>,
        note_enc -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    legal_aid_messages (id) {
        id -> Text,
        case_id -> Text,
        author_id -> Text,
        internal -> Bool,
        body_enc -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    legal_aid_reads (case_id, account_id) {
        case_id -> Text,
        account_id -> Text,
        last_read -> Text,
    }
}

diesel::table! {
    legal_aid_attachments (id) {
        id -> Text,
        case_id -> Text,
        uploader_id -> Text,
        name_enc -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    legal_aid_cases,
    legal_aid_events,
    legal_aid_messages,
    legal_aid_reads,
    legal_aid_attachments,
);
