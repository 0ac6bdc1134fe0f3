//! 法律援助 as members, legal-aid officers and union admins use it: intake and its limits, the
//! workflow table, races, who may see what, evidence files, internal notes, statistics and what
//! never leaks.

mod access;
mod attachments;
mod bounds;
mod closing;
mod hardening;
mod intake;
mod moves;
mod notes;
mod privacy;
mod race;
mod stats;
mod workflow;
