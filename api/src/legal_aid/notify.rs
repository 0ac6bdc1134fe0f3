//! Telling the applicant that their case moved: one fixed SMS with no case details (privacy:
//! texts show on lock screens), sent after the move commits, in the background. A provider that
//! is down costs the SMS, never the move.

use gangonghui_domain::Phone;

use crate::state::AppState;

const PURPOSE: &str = "legal_aid_update";
const TEXT: &str = "【赣工惠】您的法律援助申请有新进展，请登录赣工惠App查看。";

pub fn case_changed(state: &AppState, phone: Phone) {
    let (sms, at) = (state.sms.clone(), state.clock.now());
    tokio::spawn(async move {
        if let Err(err) = sms.notify(&phone, PURPOSE, TEXT, at).await {
            tracing::warn!(error = %err, phone = %phone.masked(), "legal-aid notice not sent");
        }
    });
}
