//! Telling the applicant that their case moved: one fixed SMS to the account's own phone that
//! does not even say it is about legal aid (texts show on lock screens, and that a worker sought
//! legal help is itself sensitive), sent after the move commits, in the background. A provider
//! that is down costs the SMS, never the move.

use gangonghui_domain::Phone;

use crate::state::AppState;

const PURPOSE: &str = "legal_aid_update";
const TEXT: &str = "【赣工惠】您有一条新的办理进度，请登录赣工惠App查看。";

pub fn case_changed(state: &AppState, phone: Phone) {
    let (sms, at) = (state.sms.clone(), state.clock.now());
    tokio::spawn(async move {
        if let Err(err) = sms.notify(&phone, PURPOSE, TEXT, at).await {
            tracing::warn!(error = %err, phone = %phone.masked(), "legal-aid notice not sent");
        }
    });
}
