//! The time every use case reads. Real by default; a test moves it to reach a deadline (a
//! review due in 7 days, a daily cap resetting at Shanghai midnight) without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The system clock plus an offset that only tests change. Clones share the offset, so moving
/// the clock of a running application moves it for every worker.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone of it) forward by `by`; backward when negative.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_a_clone_moves_every_clone() {
        let clock = Clock::default();
        let other = clock.clone();
        other.advance(Duration::days(8));
        let ahead = clock.now() - Utc::now();
        assert!(ahead >= Duration::days(8) - Duration::seconds(1), "{ahead}");
        assert!(ahead <= Duration::days(8) + Duration::seconds(1), "{ahead}");
    }
}
