//! The kinds of client that hold tokens. A token is minted for one kind and refused where another
//! kind is required.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// The member mobile app (also used by officers' and merchant staff's phones).
    App,
    /// The WeChat mini-program, whose server proxies members' requests.
    MiniProgram,
    /// A merchant's POS integration.
    Pos,
}

impl ClientKind {
    /// The JWT `aud` of tokens minted for this kind of client.
    pub const fn audience(self) -> &'static str {
        match self {
            ClientKind::App => "ggh-app",
            ClientKind::MiniProgram => "ggh-miniprogram",
            ClientKind::Pos => "ggh-pos",
        }
    }

    pub fn from_audience(aud: &str) -> Option<ClientKind> {
        [ClientKind::App, ClientKind::MiniProgram, ClientKind::Pos]
            .into_iter()
            .find(|k| k.audience() == aud)
    }

    /// The kind stored as `as_str`; anything unknown reads as the app, the least privileged.
    pub fn from_stored(raw: &str) -> ClientKind {
        match raw {
            "mini_program" => ClientKind::MiniProgram,
            "pos" => ClientKind::Pos,
            _ => ClientKind::App,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            ClientKind::App => "app",
            ClientKind::MiniProgram => "mini_program",
            ClientKind::Pos => "pos",
        }
    }
}
