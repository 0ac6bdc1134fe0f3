//! Offers (优惠): the texts that describe them, their discount maths, and the rules the counter
//! applies to a member presenting a card.

mod kinds;
mod rules;
mod terms;

pub use kinds::{Audience, LimitPeriod, OfferStatus, OfferType};
pub use rules::{Holder, MemberLimit, Offer, OfferRefusal};
pub use terms::{BP_PER_WHOLE, OfferKind, Quote, QuoteError, Terms, TermsError};

#[cfg(test)]
mod proptests;
