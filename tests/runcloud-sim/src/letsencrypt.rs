//! Let's Encrypt as RunCloud's certificate orders meet it: every name of an order is
//! validated (`http-01`: the name must resolve to the server), one failing name fails the
//! whole order, and the limits that matter to a client are kept: 5 failed validations per
//! name per hour, 5 certificates for the same set of names per week.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::dns::DnsState;
use crate::facts;

const HOUR: Duration = Duration::from_secs(3600);
const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

/// Let's Encrypt's published limits.
const FAILED_VALIDATIONS_PER_NAME_PER_HOUR: usize = 5;
const DUPLICATE_CERTIFICATES_PER_WEEK: usize = 5;

/// Orders seen since the start (or the last reset).
#[derive(Debug, Clone, Default)]
pub(crate) struct LetsEncrypt {
    failures: Vec<(String, Instant)>,
    issued: Vec<(Vec<String>, Instant)>,
    refused_orders: u64,
    last_refusal: String,
}

impl LetsEncrypt {
    /// Orders a certificate for `names`: Ok when issued, else RunCloud's message.
    /// Wildcard names (`*.name`) need `dns-01`, whose records the simulator takes as set.
    pub(crate) fn order(&mut self, dns: &DnsState, names: &[String]) -> Result<(), String> {
        let now = Instant::now();
        let validated: Vec<&String> = names.iter().filter(|n| !n.starts_with("*.")).collect();
        let limited: Vec<&str> = validated
            .iter()
            .filter(|name| self.failures_within(name, now) >= FAILED_VALIDATIONS_PER_NAME_PER_HOUR)
            .map(|name| name.as_str())
            .collect();
        if !limited.is_empty() {
            return self.refuse(format!(
                "{}{}",
                facts::LETSENCRYPT_TOO_MANY_FAILURES,
                limited.join(", ")
            ));
        }
        let failing: Vec<&str> = validated
            .iter()
            .filter(|name| !dns.points_at_server(name))
            .map(|name| name.as_str())
            .collect();
        if !failing.is_empty() {
            for name in &failing {
                self.failures.push(((*name).to_string(), now));
            }
            return self.refuse(format!(
                "{}{}",
                facts::LETSENCRYPT_VALIDATION_FAILED,
                failing.join(", ")
            ));
        }
        let mut set: Vec<String> = names.to_vec();
        set.sort();
        let duplicates = self
            .issued
            .iter()
            .filter(|(issued, at)| *issued == set && now.duration_since(*at) < WEEK)
            .count();
        if duplicates >= DUPLICATE_CERTIFICATES_PER_WEEK {
            return self.refuse(facts::LETSENCRYPT_TOO_MANY_DUPLICATES.to_string());
        }
        self.issued.push((set, now));
        Ok(())
    }

    fn refuse(&mut self, message: String) -> Result<(), String> {
        self.refused_orders += 1;
        self.last_refusal = message.clone();
        Err(message)
    }

    fn failures_within(&self, name: &str, now: Instant) -> usize {
        self.failures
            .iter()
            .filter(|(failed, at)| failed == name && now.duration_since(*at) < HOUR)
            .count()
    }

    /// Failed validations in the last hour, by name.
    pub(crate) fn failures_last_hour(&self) -> BTreeMap<String, u64> {
        let now = Instant::now();
        let mut counts = BTreeMap::new();
        for (name, at) in &self.failures {
            if now.duration_since(*at) < HOUR {
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
        &self.last_refusal
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

    #[test]
    fn one_name_off_the_server_fails_the_whole_order() {
        let mut dns = DnsState::new(Ipv4Addr::LOCALHOST);
        dns.set("late.test", DnsAnswer::Missing);
        let mut le = LetsEncrypt::default();
        let refused = le
            .order(
                &dns,
                &names(&["network.test", "*.network.test", "late.test"]),
            )
            .unwrap_err();
        assert!(refused.starts_with(facts::LETSENCRYPT_VALIDATION_FAILED));
        assert!(refused.ends_with("late.test"));
        assert_eq!(le.failures_last_hour().get("late.test"), Some(&1));
        assert_eq!(le.failures_last_hour().get("network.test"), None);
        dns.set("late.test", DnsAnswer::Server);
        assert!(le
            .order(&dns, &names(&["network.test", "late.test"]))
            .is_ok());
        assert_eq!(le.refused_orders(), 1);
    }

    #[test]
    fn five_failures_an_hour_lock_the_name_out() {
        let mut dns = DnsState::new(Ipv4Addr::LOCALHOST);
        dns.set("bad.test", DnsAnswer::Elsewhere);
        let mut le = LetsEncrypt::default();
        for _ in 0..5 {
            le.order(&dns, &names(&["bad.test"])).unwrap_err();
        }
        dns.set("bad.test", DnsAnswer::Server);
        let refused = le.order(&dns, &names(&["bad.test"])).unwrap_err();
        assert!(refused.starts_with(facts::LETSENCRYPT_TOO_MANY_FAILURES));
        assert_eq!(le.failures_last_hour().get("bad.test"), Some(&5));
        assert!(le.order(&dns, &names(&["other.test"])).is_ok());
    }

    #[test]
    fn five_duplicates_a_week() {
        let dns = DnsState::new(Ipv4Addr::LOCALHOST);
        let mut le = LetsEncrypt::default();
        for _ in 0..5 {
            le.order(&dns, &names(&["b.test", "a.test"])).unwrap();
        }
        let refused = le.order(&dns, &names(&["a.test", "b.test"])).unwrap_err();
        assert_eq!(refused, facts::LETSENCRYPT_TOO_MANY_DUPLICATES);
        assert!(le
            .order(&dns, &names(&["a.test", "b.test", "c.test"]))
            .is_ok());
    }
}
