//! RFC 6238 time-based one-time codes for the counter: 6 digits, 30-second steps, HMAC-SHA1 as
//! the RFC's reference. Pure: the caller passes the time and computes the HMAC via `mac`.

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Steps either side of now that still verify (clock skew, time to scan).
pub const WINDOW: i64 = 1;

/// The step number of a Unix time.
pub const fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// RFC 4226 dynamic truncation of an HMAC-SHA1 digest to 6 digits.
pub fn truncate(digest: &[u8; 20]) -> u32 {
    let [.., last] = *digest;
    let offset = usize::from(last & 0x0f);
    // The four bytes at `offset` (at most 15, so all four exist) big-endian, top bit cleared.
    let binary = digest
        .iter()
        .skip(offset)
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
        & 0x7fff_ffff;
    binary % 1_000_000
}

/// The code for `step`, given an HMAC-SHA1 function over the 8-byte big-endian step counter.
pub fn code_at(step: i64, mac: impl Fn(&[u8; 8]) -> [u8; 20]) -> u32 {
    truncate(&mac(&step.to_be_bytes()))
}

/// Which step within the window around `now_step` produced `code`, if any. Steps are checked
/// newest first.
pub fn matching_step(code: u32, now_step: i64, mac: impl Fn(&[u8; 8]) -> [u8; 20]) -> Option<i64> {
    // Saturating: a step at the end of i64 checks the steps that exist instead of overflowing.
    (now_step.saturating_sub(WINDOW)..=now_step.saturating_add(WINDOW))
        .rev()
        .find(|step| code_at(*step, &mac) == code)
}

#[cfg(test)]
mod tests {
    // RFC 6238 appendix B test vectors need HMAC-SHA1; the domain has no crypto dependency, so
    // the vectors are checked where the HMAC lives (api::cards::codes). Here: the pure parts.
    use super::*;

    #[test]
    fn steps_are_thirty_seconds() {
        assert_eq!(step_at(59), 1);
        assert_eq!(step_at(60), 2);
        assert_eq!(step_at(-1), -1);
    }

    #[test]
    fn truncation_follows_rfc_4226() {
        // RFC 4226 section 5.4 example digest -> 872921.
        let digest = [
            0x1f, 0x86, 0x98, 0x69, 0x0e, 0x02, 0xca, 0x16, 0x61, 0x85, 0x50, 0xef, 0x7f, 0x19,
            0xda, 0x8e, 0x94, 0x5b, 0x55, 0x5a,
        ];
        assert_eq!(truncate(&digest), 872_921);
    }

    #[test]
    fn only_the_window_matches() {
        // Any function of the counter serves to test the window logic.
        let fake_mac = |counter: &[u8; 8]| {
            let step = u64::from_be_bytes(*counter);
            let mut d = [0u8; 20];
            for (i, byte) in d.iter_mut().enumerate() {
                *byte = (step.wrapping_mul(2654435761).wrapping_add(i as u64 * 97) >> 3) as u8;
            }
            d[19] = 0x04;
            d
        };
        let now = 1000;
        for (step, ok) in [
            (now - 2, false),
            (now - 1, true),
            (now, true),
            (now + 1, true),
            (now + 2, false),
        ] {
            let code = code_at(step, fake_mac);
            assert_eq!(
                matching_step(code, now, fake_mac).is_some(),
                ok,
                "step {step}"
            );
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// Any function of the counter serves the window logic; this one spreads steps well.
    fn fake_mac(key: u64) -> impl Fn(&[u8; 8]) -> [u8; 20] {
        move |counter| {
            let mut x = u64::from_be_bytes(*counter) ^ key;
            std::array::from_fn(|_| {
                x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29) ^ key;
                (x >> 56) as u8
            })
        }
    }

    proptest! {
        /// RFC 4226 section 5.3, written with the indexes it names.
        #[test]
        fn truncation_is_rfc_4226_dynamic_truncation(digest in any::<[u8; 20]>()) {
            let offset = usize::from(digest[19] & 0x0f);
            let p = u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
            prop_assert_eq!(truncate(&digest), (p & 0x7fff_ffff) % 1_000_000);
        }

        #[test]
        fn a_step_holds_its_thirty_seconds(t in any::<i64>()) {
            let step = i128::from(step_at(t));
            let t = i128::from(t);
            prop_assert!(step * 30 <= t && t < (step + 1) * 30);
        }

        /// A code of a step inside the window matches a step whose code it is; a match is
        /// always inside the window; no step panics, the ends of i64 included.
        #[test]
        fn matches_stay_inside_the_window(
            key in any::<u64>(),
            now in prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX)],
            skew in -3i64..=3,
        ) {
            let mac = fake_mac(key);
            let Some(step) = now.checked_add(skew) else { return Ok(()) };
            let code = code_at(step, &mac);
            prop_assert!(code < 1_000_000);
            let found = matching_step(code, now, &mac);
            if skew.abs() <= WINDOW {
                prop_assert!(found.is_some());
            }
            if let Some(found) = found {
                prop_assert!((i128::from(found) - i128::from(now)).abs() <= i128::from(WINDOW));
                prop_assert_eq!(code_at(found, &mac), code);
            }
        }
    }
}
