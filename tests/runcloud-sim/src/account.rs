//! What every web app of the RunCloud account shares: the record ids, Let's Encrypt, the
//! names' DNS and the clock.
//!
//! RunCloud's API is one per account: its credentials cover every server, and its rate limit
//! and monthly quota are the account's (the project's RunCloud reference, "Errors and
//! limits"). The world around the servers is one too:
//! - Domains and certificates are rows of RunCloud's database, so their ids are unique across
//!   the account: an id of one web app never names a record of another.
//! - Let's Encrypt's limits count per ACME account (new orders) and across everyone (a
//!   registered domain's certificates, duplicates of one set of names); RunCloud orders
//!   through one account (`facts::LETSENCRYPT_TOO_MANY_ORDERS`), so the same names ordered
//!   for two servers are two certificates on Let's Encrypt's books.
//! - A name's DNS is the world's; `server` means it points at the account's servers.

use std::time::Duration;

use crate::clock::SimClock;
use crate::dns::DnsState;
use crate::letsencrypt::{LetsEncrypt, LetsEncryptDump};

#[derive(Debug)]
pub(crate) struct Account {
    /// Where each name points, and the certificate authority that checks it.
    pub(crate) dns: DnsState,
    pub(crate) letsencrypt: LetsEncrypt,
    /// Let's Encrypt's windows, the certificates' dates and timed faults read this clock.
    pub(crate) clock: SimClock,
    next_domain_id: u64,
    next_certificate_id: u64,
}

impl Default for Account {
    fn default() -> Self {
        Account {
            dns: DnsState::new(std::net::Ipv4Addr::LOCALHOST),
            letsencrypt: LetsEncrypt::default(),
            clock: SimClock::default(),
            next_domain_id: 1,
            next_certificate_id: 1,
        }
    }
}

impl Account {
    pub(crate) fn new_domain_id(&mut self) -> u64 {
        let id = self.next_domain_id;
        self.next_domain_id += 1;
        id
    }

    pub(crate) fn new_certificate_id(&mut self) -> u64 {
        let id = self.next_certificate_id;
        self.next_certificate_id += 1;
        id
    }

    /// Orders a certificate for `names` from the simulated Let's Encrypt, now.
    pub(crate) fn order(&mut self, names: &[String]) -> Result<(), String> {
        self.letsencrypt
            .order(&self.dns, names, self.clock.instant())
    }

    /// Let's Encrypt's counters, now by the simulator's clock.
    pub(crate) fn letsencrypt_dump(&self) -> LetsEncryptDump {
        self.letsencrypt
            .dump(self.clock.instant(), self.clock.offset())
    }

    pub(crate) fn clock_offset(&self) -> Duration {
        self.clock.offset()
    }
}
