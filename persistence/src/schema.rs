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

diesel::table! {
    accounts (id) {
        id -> Text,
        phone -> Text,
        password_hash -> Nullable<Text>,
        display_name -> Text,
        legal_name_enc -> Nullable<Text>,
        id_number_enc -> Nullable<Text>,
        id_number_index -> Nullable<Text>,
        id_number_masked -> Nullable<Text>,
        real_name_verified_at -> Nullable<Timestamp>,
        labor_model_level -> Text,
        hardship -> Bool,
        password_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    account_roles (id) {
        id -> Text,
        account_id -> Text,
        role -> Text,
        org_id -> Nullable<Text>,
        merchant_id -> Nullable<Text>,
        owner -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        client -> Text,
        device -> Nullable<Text>,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    otp_codes (id) {
        id -> Text,
        phone -> Text,
        purpose -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        attempts -> Integer,
        consumed_at -> Nullable<Timestamp>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    wechat_bindings (app_id, openid) {
        app_id -> Text,
        openid -> Text,
        unionid -> Nullable<Text>,
        account_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    client_nonces (client_id, nonce) {
        client_id -> Text,
        nonce -> Text,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    org_units (id) {
        id -> Text,
        name -> Text,
        level -> Text,
        division_code -> Nullable<Text>,
        parent_id -> Nullable<Text>,
        path -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    membership_applications (id) {
        id -> Text,
        account_id -> Text,
        org_id -> Text,
        org_path -> Text,
        employer -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    membership_events (id) {
        id -> BigInt,
        application_id -> Text,
        account_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    memberships (account_id) {
        account_id -> Text,
        org_id -> Text,
        org_path -> Text,
        status -> Text,
        since -> Timestamp,
    }
}

diesel::table! {
    card_serials (city) {
        city -> Integer,
        next_serial -> BigInt,
    }
}

diesel::table! {
    cards (id) {
        id -> Text,
        account_id -> Text,
        card_no -> Text,
        status -> Text,
        secret_enc -> Text,
        org_path -> Text,
        issued_at -> Timestamp,
        status_changed_at -> Timestamp,
    }
}

diesel::table! {
    card_code_spends (card_id, step) {
        card_id -> Text,
        step -> BigInt,
        spent_at -> Timestamp,
    }
}

diesel::table! {
    merchant_applications (id) {
        id -> Text,
        applicant_id -> Text,
        name -> Text,
        credit_code -> Text,
        category -> Text,
        division_code -> Text,
        org_path -> Text,
        address -> Text,
        lat -> Double,
        lng -> Double,
        contact_phone -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        merchant_id -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    merchants (id) {
        id -> Text,
        name -> Text,
        credit_code -> Text,
        category -> Text,
        division_code -> Text,
        city -> Integer,
        org_path -> Text,
        address -> Text,
        lat -> Double,
        lng -> Double,
        contact_phone -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    merchant_api_keys (id) {
        id -> Text,
        merchant_id -> Text,
        key_hash -> Text,
        label -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff_invitations (id) {
        id -> Text,
        merchant_id -> Text,
        phone_index -> Text,
        phone_masked -> Text,
        status -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    offers (id) {
        id -> Text,
        merchant_id -> Text,
        title -> Text,
        kind -> Text,
        percent_off_bp -> Nullable<BigInt>,
        threshold_fen -> Nullable<BigInt>,
        off_fen -> Nullable<BigInt>,
        max_discount_fen -> Nullable<BigInt>,
        per_member_limit -> Nullable<Integer>,
        limit_period -> Nullable<Text>,
        total_quota -> Nullable<BigInt>,
        used_quota -> BigInt,
        audience -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offer_usage (offer_id, account_id, period_key) {
        offer_id -> Text,
        account_id -> Text,
        period_key -> Text,
        used -> Integer,
    }
}

diesel::table! {
    redemptions (id) {
        id -> Text,
        merchant_id -> Text,
        staff_account_id -> Text,
        api_key_id -> Nullable<Text>,
        card_id -> Text,
        account_id -> Text,
        offer_id -> Text,
        original_fen -> BigInt,
        discount_fen -> BigInt,
        payable_fen -> BigInt,
        code_step -> BigInt,
        period_key -> Nullable<Text>,
        local_date -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    org_counts (org_path, kind) {
        org_path -> Text,
        kind -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    redemption_months (merchant_id, month) {
        merchant_id -> Text,
        month -> Text,
        n -> BigInt,
        original_fen -> BigInt,
        discount_fen -> BigInt,
    }
}

diesel::table! {
    redemption_reversals (id) {
        id -> Text,
        redemption_id -> Text,
        merchant_id -> Text,
        staff_account_id -> Text,
        original_fen -> BigInt,
        discount_fen -> BigInt,
        payable_fen -> BigInt,
        local_date -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (merchant_id, idem_key) {
        merchant_id -> Text,
        idem_key -> Text,
        request_hash -> Text,
        state -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(account_roles -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(wechat_bindings -> accounts (account_id));
diesel::joinable!(cards -> accounts (account_id));
diesel::joinable!(merchant_api_keys -> merchants (merchant_id));
diesel::joinable!(staff_invitations -> merchants (merchant_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    accounts,
    account_roles,
    sessions,
    refresh_tokens,
    otp_codes,
    wechat_bindings,
    client_nonces,
    org_units,
    membership_applications,
    membership_events,
    memberships,
    card_serials,
    cards,
    card_code_spends,
    merchant_applications,
    merchants,
    merchant_api_keys,
    staff_invitations,
    offers,
    offer_usage,
    redemptions,
    redemption_months,
    org_counts,
    redemption_reversals,
    idempotency_keys,
);
