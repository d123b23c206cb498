//! Registered domains: a name under its public suffix ("eTLD+1"), by the Public Suffix
//! List compiled into the `psl` crate, so no file and no network is needed. Let's Encrypt
//! counts its 50 new certificates per 7 days per registered domain
//! (letsencrypt.org/docs/rate-limits), which is what a caller planning certificates wants
//! to group names by. The simulator counts with the same crate.

use crate::domain_name::DomainName;

/// The registered domain of `name`: `shop.example.co.uk` → `example.co.uk`. A name that is
/// itself a public suffix (`co.uk`) is its own; a suffix the list does not know counts as
/// one label (the list's default rule), so `a.b.test` → `b.test`.
///
/// ```
/// use wu_runcloud::{public_suffix::registered_domain, DomainName};
/// let name = DomainName::parse("Shop.Example.CO.UK.").unwrap();
/// assert_eq!(registered_domain(&name), "example.co.uk");
/// ```
pub fn registered_domain(name: &DomainName) -> &str {
    psl::domain_str(name.as_str()).unwrap_or(name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(input: &str) -> String {
        registered_domain(&DomainName::parse(input).unwrap()).to_string()
    }

    #[test]
    fn names_under_a_suffix() {
        assert_eq!(registered("www.example.com"), "example.com");
        assert_eq!(registered("new.blog.example.co.uk"), "example.co.uk");
        assert_eq!(registered("example.com"), "example.com");
        assert_eq!(registered("site-00001.example.test"), "example.test");
        // Private suffixes of the list count too: each user's subdomain is its own.
        assert_eq!(registered("a.b.someone.github.io"), "someone.github.io");
    }

    #[test]
    fn internationalised_names_in_punycode() {
        assert_eq!(registered("www.bücher.de"), "xn--bcher-kva.de");
        // 公司.cn is a public suffix of its own, known in its punycode form.
        assert_eq!(registered("shop.example.公司.cn"), "example.xn--55qx5d.cn");
    }

    #[test]
    fn a_public_suffix_is_its_own() {
        assert_eq!(registered("co.uk"), "co.uk");
        assert_eq!(registered("github.io"), "github.io");
    }
}
