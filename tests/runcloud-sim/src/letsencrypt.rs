//! Let's Encrypt as RunCloud's certificate orders meet it: every name of an order is
//! validated (`http-01`: the name must resolve to the server), one failing name fails the
//! whole order, and the limits that matter to a client are kept, each as Let's Encrypt
//! documents it (letsencrypt.org/docs/rate-limits).
//!
//! Let's Encrypt refills its limits as token buckets; the simulator counts in sliding windows
//! of the same length, which refuse at the same count and free the whole allowance once the
//! window has passed: simpler to reason about in a test, and never kinder than the real one
//! within a window. The windows read [`SimClock`], which the control API moves forward.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dns::DnsState;
use crate::facts;

const HOUR: Duration = Duration::from_secs(3600);
const THREE_HOURS: Duration = Duration::from_secs(3 * 3600);
const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);
/// A certificate's lifetime: an earlier certificate for the same names counts as the one an
/// order renews while it could still be valid.
const CERTIFICATE_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);

/// A certificate covers at most 100 identifiers (letsencrypt.org/docs/rate-limits, under New
/// Orders per Account). Each DNS name counts, `www.` variants and wildcards (`*.name`)
/// alike: a wildcard is one identifier.
pub(crate) const MAX_NAMES_PER_CERTIFICATE: usize = 100;
/// 300 new orders per account per 3 hours (letsencrypt.org/docs/rate-limits, New Orders per
/// Account). RunCloud orders for every
/// server through its own account, so every order the simulated web app places counts.
const NEW_ORDERS_PER_ACCOUNT_PER_3_HOURS: usize = 300;
/// 50 new certificates per registered domain per 7 days (letsencrypt.org/docs/rate-limits,
/// New Certificates per Registered Domain); the registered domain comes from the Public
/// Suffix List, and a certificate counts once for each registered domain among its names.
const CERTIFICATES_PER_REGISTERED_DOMAIN_PER_WEEK: usize = 50;
/// 5 certificates per exact same set of names per 7 days (letsencrypt.org/docs/rate-limits,
/// New Certificates per Exact Set of Identifiers).
const DUPLICATE_CERTIFICATES_PER_WEEK: usize = 5;
/// 5 failed authorizations per name per account per hour (letsencrypt.org/docs/rate-limits,
/// Authorization Failures per Identifier per Account).
const FAILED_VALIDATIONS_PER_NAME_PER_HOUR: usize = 5;

/// Which limit refused an order, as the state dump names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Limit {
    NamesPerCertificate,
    NewOrdersPerAccount,
    FailedAuthorizations,
    CertificatesPerRegisteredDomain,
    DuplicateCertificates,
    /// Not a rate limit: a name did not validate.
    ValidationFailed,
}

impl Limit {
    fn label(self) -> &'static str {
        match self {
            Limit::NamesPerCertificate => "names_per_certificate",
            Limit::NewOrdersPerAccount => "new_orders_per_account",
            Limit::FailedAuthorizations => "failed_authorizations",
            Limit::CertificatesPerRegisteredDomain => "certificates_per_registered_domain",
            Limit::DuplicateCertificates => "duplicate_certificates",
            Limit::ValidationFailed => "validation_failed",
        }
    }
}

/// The last refused order, as the state dump shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RefusedOrder {
    /// The limit that refused it (`names_per_certificate`, `new_orders_per_account`,
    /// `failed_authorizations`, `certificates_per_registered_domain`,
    /// `duplicate_certificates`) or `validation_failed`.
    pub limit: String,
    /// What the limit counted against: the names failing or locked out, the registered
    /// domains at their limit; empty for the limits on the order as a whole.
    pub names: Vec<String>,
    /// How many names the order asked for.
    pub order_names: usize,
    /// RunCloud's message.
    pub message: String,
}

/// Let's Encrypt's side of the state dump: the counters of each limit, on the movable clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LetsEncryptDump {
    /// How far the simulator's clock was moved forward (`POST /__sim/clock`).
    pub clock_offset_secs: u64,
    /// Orders created in the last 3 hours (those Let's Encrypt accepted for validation).
    pub orders_last_3_hours: u64,
    /// Of those, the ones counted against the 300 per account (renewals are exempt).
    pub new_orders_last_3_hours: u64,
    /// New certificates in the last 7 days, by registered domain (renewals are exempt).
    pub certificates_last_7_days_by_registered_domain: BTreeMap<String, u64>,
    /// Failed validations in the last hour, by name.
    pub failed_validations_last_hour: BTreeMap<String, u64>,
    /// Orders refused since the start (or the last reset), whatever the reason.
    pub refused_orders: u64,
    /// The same, by limit (see [`RefusedOrder::limit`]).
    pub refused_orders_by_reason: BTreeMap<String, u64>,
    pub last_refused_order: Option<RefusedOrder>,
}

#[derive(Debug, Clone)]
struct Issued {
    /// The names, sorted, without repeats.
    set: Vec<String>,
    /// The distinct registered domains among them.
    registered: BTreeSet<String>,
    /// Whether it renewed an earlier certificate for the same names.
    renewal: bool,
    at: Instant,
}

#[derive(Debug, Clone, Copy)]
struct Order {
    /// Counted against the orders per account (not a renewal).
    counted: bool,
    at: Instant,
}

/// Orders seen since the start (or the last reset).
#[derive(Debug, Clone, Default)]
pub(crate) struct LetsEncrypt {
    failures: Vec<(String, Instant)>,
    orders: Vec<Order>,
    issued: Vec<Issued>,
    refused_by_reason: BTreeMap<Limit, u64>,
    refused_orders: u64,
    last_refusal: Option<RefusedOrder>,
}

/// The registered domain of a DNS name (a wildcard's base), by the Public Suffix List, as
/// Let's Encrypt counts certificates; a name that is itself a public suffix counts as itself.
pub(crate) fn registered_domain(name: &str) -> String {
    let base = name.strip_prefix("*.").unwrap_or(name);
    psl::domain_str(base).unwrap_or(base).to_string()
}

fn within(at: Instant, now: Instant, window: Duration) -> bool {
    now.saturating_duration_since(at) < window
}

impl LetsEncrypt {
    /// Orders a certificate for `names` at `now`: Ok when issued, else RunCloud's message.
    /// Wildcard names (`*.name`) need `dns-01`, whose records the simulator takes as set.
    ///
    /// The checks run in the order Let's Encrypt's new-order endpoint applies them: the
    /// order's size, then the rate limits, then validation; only an order that passes the
    /// first two is created and counted.
    pub(crate) fn order(
        &mut self,
        dns: &DnsState,
        names: &[String],
        now: Instant,
    ) -> Result<(), String> {
        self.forget_before(now);
        let set: Vec<String> = names
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if set.len() > MAX_NAMES_PER_CERTIFICATE {
            let message = format!("{}{}", facts::LETSENCRYPT_TOO_MANY_NAMES, set.len());
            return self.refuse(Limit::NamesPerCertificate, Vec::new(), &set, message);
        }
        // A renewal (the exact same set of names as an earlier certificate) is exempt from the
        // New Orders per Account and New Certificates per Registered Domain limits, but not
        // from the duplicate limit (letsencrypt.org/docs/rate-limits, Limit Exemptions for
        // Renewals; Boulder's ratelimits exempt renewals by exact name set, boulder #7508).
        let renewal = self
            .issued
            .iter()
            .any(|issued| issued.set == set && within(issued.at, now, CERTIFICATE_LIFETIME));
        if !renewal && self.new_orders_within(now) >= NEW_ORDERS_PER_ACCOUNT_PER_3_HOURS {
            let message = facts::LETSENCRYPT_TOO_MANY_ORDERS.to_string();
            return self.refuse(Limit::NewOrdersPerAccount, Vec::new(), &set, message);
        }
        let validated: Vec<&String> = set.iter().filter(|n| !n.starts_with("*.")).collect();
        let locked: Vec<String> = validated
            .iter()
            .filter(|name| self.failures_within(name, now) >= FAILED_VALIDATIONS_PER_NAME_PER_HOUR)
            .map(|name| name.to_string())
            .collect();
        self.refuse_listing(
            Limit::FailedAuthorizations,
            facts::LETSENCRYPT_TOO_MANY_FAILURES,
            locked,
            &set,
        )?;
        let registered: BTreeSet<String> = set.iter().map(|name| registered_domain(name)).collect();
        if !renewal {
            let full: Vec<String> = registered
                .iter()
                .filter(|domain| {
                    self.certificates_within(domain, now)
                        >= CERTIFICATES_PER_REGISTERED_DOMAIN_PER_WEEK
                })
                .cloned()
                .collect();
            self.refuse_listing(
                Limit::CertificatesPerRegisteredDomain,
                facts::LETSENCRYPT_TOO_MANY_CERTIFICATES,
                full,
                &set,
            )?;
        }
        let duplicates = self
            .issued
            .iter()
            .filter(|issued| issued.set == set && within(issued.at, now, WEEK))
            .count();
        if duplicates >= DUPLICATE_CERTIFICATES_PER_WEEK {
            let message = facts::LETSENCRYPT_TOO_MANY_DUPLICATES.to_string();
            return self.refuse(Limit::DuplicateCertificates, Vec::new(), &set, message);
        }
        // The order exists from here: it counts even when validation fails.
        self.orders.push(Order {
            counted: !renewal,
            at: now,
        });
        let failing: Vec<String> = validated
            .iter()
            .filter(|name| !dns.points_at_server(name))
            .map(|name| name.to_string())
            .collect();
        for name in &failing {
            self.failures.push((name.clone(), now));
        }
        self.refuse_listing(
            Limit::ValidationFailed,
            facts::LETSENCRYPT_VALIDATION_FAILED,
            failing,
            &set,
        )?;
        self.issued.push(Issued {
            set,
            registered,
            renewal,
            at: now,
        });
        Ok(())
    }

    fn refuse(
        &mut self,
        limit: Limit,
        names: Vec<String>,
        order: &[String],
        message: String,
    ) -> Result<(), String> {
        self.refused_orders += 1;
        *self.refused_by_reason.entry(limit).or_insert(0) += 1;
        self.last_refusal = Some(RefusedOrder {
            limit: limit.label().to_string(),
            names,
            order_names: order.len(),
            message: message.clone(),
        });
        Err(message)
    }

    /// Refuses with `prefix` followed by the `listed` names, unless none is listed.
    fn refuse_listing(
        &mut self,
        limit: Limit,
        prefix: &str,
        listed: Vec<String>,
        order: &[String],
    ) -> Result<(), String> {
        if listed.is_empty() {
            return Ok(());
        }
        let message = format!("{prefix}{}", listed.join(", "));
        self.refuse(limit, listed, order, message)
    }

    /// Drops what no window looks at any more, so a long benchmark keeps a bounded history.
    fn forget_before(&mut self, now: Instant) {
        self.failures.retain(|(_, at)| within(*at, now, HOUR));
        self.orders
            .retain(|order| within(order.at, now, THREE_HOURS));
        self.issued
            .retain(|issued| within(issued.at, now, CERTIFICATE_LIFETIME));
    }

    fn failures_within(&self, name: &str, now: Instant) -> usize {
        self.failures
            .iter()
            .filter(|(failed, at)| failed == name && within(*at, now, HOUR))
            .count()
    }

    fn new_orders_within(&self, now: Instant) -> usize {
        self.orders
            .iter()
            .filter(|order| order.counted && within(order.at, now, THREE_HOURS))
            .count()
    }

    /// New certificates (not renewals) in the last 7 days naming `registered`.
    fn certificates_within(&self, registered: &str, now: Instant) -> usize {
        self.issued
            .iter()
            .filter(|issued| {
                !issued.renewal
                    && within(issued.at, now, WEEK)
                    && issued.registered.contains(registered)
            })
            .count()
    }

    /// Failed validations in the last hour, by name.
    pub(crate) fn failures_last_hour(&self, now: Instant) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for (name, at) in &self.failures {
            if within(*at, now, HOUR) {
                *counts.entry(name.clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    pub(crate) fn refused_orders(&self) -> u64 {
        self.refused_orders
    }

    /// The message of the last refused order.
    pub(crate) fn last_refusal(&self) -> &str {
        self.last_refusal
            .as_ref()
            .map_or("", |refused| refused.message.as_str())
    }

    /// The counters of every limit at `now`.
    pub(crate) fn dump(&self, now: Instant, clock_offset: Duration) -> LetsEncryptDump {
        let recent: Vec<&Order> = self
            .orders
            .iter()
            .filter(|order| within(order.at, now, THREE_HOURS))
            .collect();
        let mut by_domain = BTreeMap::new();
        for issued in &self.issued {
            if !issued.renewal && within(issued.at, now, WEEK) {
                for domain in &issued.registered {
                    *by_domain.entry(domain.clone()).or_insert(0) += 1;
                }
            }
        }
        LetsEncryptDump {
            clock_offset_secs: clock_offset.as_secs(),
            orders_last_3_hours: recent.len() as u64,
            new_orders_last_3_hours: recent.iter().filter(|order| order.counted).count() as u64,
            certificates_last_7_days_by_registered_domain: by_domain,
            failed_validations_last_hour: self.failures_last_hour(now),
            refused_orders: self.refused_orders,
            refused_orders_by_reason: self
                .refused_by_reason
                .iter()
                .map(|(limit, count)| (limit.label().to_string(), *count))
                .collect(),
            last_refused_order: self.last_refusal.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::DnsAnswer;
    use std::net::Ipv4Addr;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    fn server() -> DnsState {
        DnsState::new(Ipv4Addr::LOCALHOST)
    }

    #[test]
    fn one_name_off_the_server_fails_the_whole_order() {
        let now = Instant::now();
        let mut dns = server();
        dns.set("late.test", DnsAnswer::Missing);
        let mut le = LetsEncrypt::default();
        let refused = le
            .order(
                &dns,
                &names(&["network.test", "*.network.test", "late.test"]),
                now,
            )
            .unwrap_err();
        assert!(refused.starts_with(facts::LETSENCRYPT_VALIDATION_FAILED));
        assert!(refused.ends_with("late.test"));
        assert_eq!(le.failures_last_hour(now).get("late.test"), Some(&1));
        assert_eq!(le.failures_last_hour(now).get("network.test"), None);
        dns.set("late.test", DnsAnswer::Server);
        assert!(le
            .order(&dns, &names(&["network.test", "late.test"]), now)
            .is_ok());
        assert_eq!(le.refused_orders(), 1);
        // A failed validation is an order created all the same.
        assert_eq!(le.dump(now, Duration::ZERO).orders_last_3_hours, 2);
    }

    #[test]
    fn five_failures_an_hour_lock_the_name_out_for_that_hour() {
        let now = Instant::now();
        let mut dns = server();
        dns.set("bad.test", DnsAnswer::Elsewhere);
        let mut le = LetsEncrypt::default();
        for _ in 0..5 {
            le.order(&dns, &names(&["bad.test"]), now).unwrap_err();
        }
        dns.set("bad.test", DnsAnswer::Server);
        let refused = le.order(&dns, &names(&["bad.test"]), now).unwrap_err();
        assert!(refused.starts_with(facts::LETSENCRYPT_TOO_MANY_FAILURES));
        assert_eq!(le.failures_last_hour(now).get("bad.test"), Some(&5));
        assert!(le.order(&dns, &names(&["other.test"]), now).is_ok());
        assert!(le.order(&dns, &names(&["bad.test"]), now + HOUR).is_ok());
        assert!(le.failures_last_hour(now + HOUR).is_empty());
    }

    #[test]
    fn five_duplicates_a_week() {
        let now = Instant::now();
        let dns = server();
        let mut le = LetsEncrypt::default();
        for _ in 0..5 {
            le.order(&dns, &names(&["b.test", "a.test"]), now).unwrap();
        }
        let refused = le
            .order(&dns, &names(&["a.test", "b.test"]), now)
            .unwrap_err();
        assert_eq!(refused, facts::LETSENCRYPT_TOO_MANY_DUPLICATES);
        assert!(le
            .order(&dns, &names(&["a.test", "b.test", "c.test"]), now)
            .is_ok());
        assert!(le
            .order(&dns, &names(&["a.test", "b.test"]), now + WEEK)
            .is_ok());
    }

    #[test]
    fn a_hundred_names_and_no_more_wildcards_and_www_counted() {
        let now = Instant::now();
        let dns = server();
        let mut le = LetsEncrypt::default();
        let mut hundred: Vec<String> = (0..49)
            .flat_map(|i| [format!("s{i}.test"), format!("www.s{i}.test")])
            .collect();
        hundred.extend(names(&["network.test", "*.network.test"]));
        assert_eq!(hundred.len(), 100);
        assert!(le.order(&dns, &hundred, now).is_ok());
        hundred.push("one-more.test".into());
        let refused = le.order(&dns, &hundred, now).unwrap_err();
        assert_eq!(refused, format!("{}101", facts::LETSENCRYPT_TOO_MANY_NAMES));
        let dump = le.dump(now, Duration::ZERO);
        assert_eq!(dump.refused_orders_by_reason["names_per_certificate"], 1);
        // Refused before an order exists: only the first one counts.
        assert_eq!(dump.orders_last_3_hours, 1);
        let last = dump.last_refused_order.unwrap();
        assert_eq!(
            (last.limit.as_str(), last.order_names),
            ("names_per_certificate", 101)
        );
    }

    #[test]
    fn fifty_new_certificates_per_registered_domain_a_week_renewals_exempt() {
        let now = Instant::now();
        let dns = server();
        let mut le = LetsEncrypt::default();
        for i in 0..50 {
            // One certificate with two names of example.co.uk counts once for it.
            let order = [
                format!("s{i}.example.co.uk"),
                format!("www.s{i}.example.co.uk"),
            ];
            le.order(&dns, &order, now).unwrap();
        }
        let refused = le
            .order(&dns, &names(&["new.example.co.uk", "other.test"]), now)
            .unwrap_err();
        assert_eq!(
            refused,
            format!("{}example.co.uk", facts::LETSENCRYPT_TOO_MANY_CERTIFICATES)
        );
        assert!(le.order(&dns, &names(&["other.co.uk"]), now).is_ok());
        // A renewal of an issued set is exempt, a new set is not.
        let renewal = names(&["s7.example.co.uk", "www.s7.example.co.uk"]);
        assert!(le.order(&dns, &renewal, now).is_ok());
        let dump = le.dump(now, Duration::ZERO);
        assert_eq!(
            dump.certificates_last_7_days_by_registered_domain["example.co.uk"],
            50
        );
        assert_eq!(dump.new_orders_last_3_hours, 51);
        assert_eq!(dump.orders_last_3_hours, 52);
        assert!(le
            .order(&dns, &names(&["new.example.co.uk"]), now + WEEK)
            .is_ok());
    }

    #[test]
    fn three_hundred_new_orders_per_three_hours() {
        let now = Instant::now();
        let dns = server();
        let mut le = LetsEncrypt::default();
        for i in 0..300 {
            le.order(&dns, &[format!("n{i}.test")], now).unwrap();
        }
        let refused = le.order(&dns, &names(&["fresh.test"]), now).unwrap_err();
        assert_eq!(refused, facts::LETSENCRYPT_TOO_MANY_ORDERS);
        // Renewals are exempt from this limit too.
        assert!(le.order(&dns, &names(&["n1.test"]), now).is_ok());
        assert!(le
            .order(&dns, &names(&["fresh.test"]), now + THREE_HOURS)
            .is_ok());
        assert_eq!(
            le.dump(now + THREE_HOURS, Duration::ZERO)
                .orders_last_3_hours,
            1
        );
    }

    #[test]
    fn registered_domains_follow_the_public_suffix_list() {
        assert_eq!(registered_domain("new.blog.example.co.uk"), "example.co.uk");
        assert_eq!(registered_domain("*.network.test"), "network.test");
        assert_eq!(registered_domain("site-00001.example.test"), "example.test");
        assert_eq!(registered_domain("co.uk"), "co.uk");
    }
}
