//! RunCloud's paging of the domain list: page sizes, page counts and links at the edges.
//!
//! The primary domain always exists, so a web app has at least one domain; "no domains"
//! shows up as an empty page past the end.

mod common;

use std::collections::BTreeSet;

use common::{keys, start, Client};
use runcloud_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

/// A web app with `total` domains: the primary and `total - 1` aliases.
fn app_with(total: usize) -> Simulator {
    start(SimConfig::new().extra_domains(total - 1))
}

fn pagination(answer: &common::Answer) -> &Value {
    &answer.body["meta"]["pagination"]
}

/// Walks the list by following `links.next` from the first page, checking every page's
/// arithmetic; returns the ids in the order received.
fn walk(sim: &Simulator, first_query: &str, per_page: usize) -> Vec<u64> {
    let client = Client::v3(sim);
    let total = sim.state().domains.len();
    let total_pages = total.div_ceil(per_page).max(1);
    let mut ids = Vec::with_capacity(total);
    let mut next = Some(format!("/domains{first_query}"));
    let mut page = 0;
    while let Some(path) = next.take() {
        page += 1;
        let answer = client.get(&path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        let expected_count = per_page.min(total - (page - 1) * per_page);
        check_page(&answer, total, per_page, page, total_pages, expected_count);
        ids.extend(page_ids(&answer));
        next = pagination(&answer)["links"]["next"]
            .as_str()
            .map(str::to_string);
    }
    assert_eq!(page, total_pages, "pages walked for {total} domains");
    ids
}

fn check_page(
    answer: &common::Answer,
    total: usize,
    per_page: usize,
    page: usize,
    total_pages: usize,
    count: usize,
) {
    let meta = pagination(answer);
    assert_eq!(
        keys(meta),
        BTreeSet::from([
            "count",
            "current_page",
            "links",
            "per_page",
            "total",
            "total_pages"
        ])
    );
    let context = format!("page {page} of {total} domains by {per_page}");
    assert_eq!(meta["total"], total, "{context}");
    assert_eq!(meta["per_page"], per_page, "{context}");
    assert_eq!(meta["current_page"], page, "{context}");
    assert_eq!(meta["total_pages"], total_pages, "{context}");
    assert_eq!(meta["count"], count, "{context}");
    assert_eq!(
        answer.body["data"].as_array().unwrap().len(),
        count,
        "{context}"
    );
    assert_eq!(
        meta["links"].get("next").is_some(),
        page < total_pages,
        "{context}"
    );
    assert_eq!(
        meta["links"].get("previous").is_some(),
        page > 1,
        "{context}"
    );
}

fn page_ids(answer: &common::Answer) -> Vec<u64> {
    answer.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|domain| domain["id"].as_u64().unwrap())
        .collect()
}

/// Every page walked, at both the default and the largest size, returns each domain once,
/// in id order, for the totals around the page sizes.
fn check_walks(total: usize) {
    let sim = app_with(total);
    let expected: Vec<u64> = sim.state().domains.iter().map(|domain| domain.id).collect();
    assert_eq!(expected.len(), total);
    assert_eq!(
        walk(&sim, "", 20),
        expected,
        "default size, {total} domains"
    );
    assert_eq!(
        walk(&sim, "?perPage=40", 40),
        expected,
        "40 a page, {total} domains"
    );
}

#[test]
fn a_lone_primary_domain_is_one_page() {
    check_walks(1);
}

#[test]
fn two_domains_are_one_page() {
    check_walks(2);
}

#[test]
fn twenty_domains_fill_exactly_one_default_page() {
    check_walks(20);
}

#[test]
fn twenty_one_domains_spill_onto_a_second_default_page() {
    check_walks(21);
}

#[test]
fn forty_domains_fill_exactly_one_largest_page() {
    check_walks(40);
}

#[test]
fn forty_one_domains_spill_onto_a_second_largest_page() {
    check_walks(41);
}

#[test]
fn ten_thousand_domains_page_completely() {
    let sim = app_with(10_000);
    let expected: Vec<u64> = sim.state().domains.iter().map(|domain| domain.id).collect();
    assert_eq!(walk(&sim, "?perPage=40", 40), expected);
    assert_eq!(walk(&sim, "", 20), expected);
    let last = Client::v3(&sim).get("/domains?perPage=40&page=250");
    assert_eq!(pagination(&last)["count"], 40);
    assert_eq!(pagination(&last)["total_pages"], 250);
}

#[test]
fn page_sizes_outside_the_range_are_corrected() {
    let sim = app_with(100);
    let client = Client::v3(&sim);
    for (query, per_page) in [
        ("perPage=41", 40),
        ("perPage=1000", 40),
        ("perPage=0", 20),
        ("perPage=-5", 20),
        ("perPage=abc", 20),
        ("perPage=1", 1),
        ("perPage=39", 39),
    ] {
        let answer = client.get(&format!("/domains?{query}"));
        assert_eq!(answer.status, 200, "{query}");
        assert_eq!(pagination(&answer)["per_page"], per_page, "{query}");
        assert_eq!(pagination(&answer)["count"], per_page, "{query}");
        assert_eq!(
            pagination(&answer)["total_pages"],
            100usize.div_ceil(per_page),
            "{query}"
        );
    }
}

#[test]
fn pages_below_one_mean_the_first() {
    let sim = app_with(30);
    let client = Client::v3(&sim);
    let first = page_ids(&client.get("/domains?page=1"));
    for query in ["page=0", "page=-1", "page=x", "page="] {
        let answer = client.get(&format!("/domains?{query}"));
        assert_eq!(pagination(&answer)["current_page"], 1, "{query}");
        assert_eq!(page_ids(&answer), first, "{query}");
    }
}

#[test]
fn a_page_past_the_end_is_empty() {
    let sim = app_with(21);
    let answer = Client::v3(&sim).get("/domains?page=3");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["data"], json!([]));
    let meta = pagination(&answer);
    assert_eq!(meta["count"], 0);
    assert_eq!(meta["total"], 21);
    assert_eq!(meta["current_page"], 3);
    assert_eq!(meta["total_pages"], 2);
    assert!(meta["links"].get("next").is_none());
    assert_eq!(
        meta["links"]["previous"],
        format!("{}/domains?perPage=20&page=2", sim.app_url("v3"))
    );
}

#[test]
fn links_are_absolute_and_keep_the_page_size() {
    let sim = app_with(100);
    let answer = Client::v3(&sim).get("/domains?perPage=30&page=2");
    let list_url = format!("{}/domains", sim.app_url("v3"));
    let links = &pagination(&answer)["links"];
    assert_eq!(links["next"], format!("{list_url}?perPage=30&page=3"));
    assert_eq!(links["previous"], format!("{list_url}?perPage=30&page=1"));
}

#[test]
fn a_single_page_has_empty_links() {
    let sim = app_with(3);
    let answer = Client::v3(&sim).get("/domains");
    assert_eq!(pagination(&answer)["links"], json!({}));
}

#[test]
fn the_list_follows_additions_and_deletions() {
    let sim = app_with(20);
    let client = Client::v3(&sim);
    let added = client.post(
        "/domains",
        json!({"name": "late.example.com", "www": false, "redirection": "none", "type": "alias"}),
    );
    assert_eq!(added.status, 200, "{}", added.text);
    let second = client.get("/domains?page=2");
    assert_eq!(pagination(&second)["total"], 21);
    assert_eq!(second.body["data"][0]["name"], "late.example.com");
    let id = added.body["id"].as_u64().unwrap();
    assert_eq!(client.delete(&format!("/domains/{id}")).status, 200);
    let first = client.get("/domains");
    assert_eq!(pagination(&first)["total"], 20);
    assert_eq!(pagination(&first)["total_pages"], 1);
}

#[test]
fn both_api_versions_page_alike() {
    let sim = app_with(45);
    let v3 = Client::v3(&sim).get("/domains?perPage=40&page=2");
    let v2 = Client::v2(&sim).get("/domains?perPage=40&page=2");
    assert_eq!(v2.status, 200);
    assert_eq!(v2.body["data"], v3.body["data"]);
    assert_eq!(pagination(&v2)["count"], 5);
}

fn names_of(answer: &common::Answer) -> Vec<String> {
    answer.body["data"]
        .as_array()
        .expect("a data array")
        .iter()
        .map(|domain| domain["name"].as_str().expect("a name").to_string())
        .collect()
}

#[test]
fn a_search_lists_the_names_containing_the_term_with_their_own_paging() {
    let sim = app_with(120);
    let answer = Client::v3(&sim).get("/domains?page=1&perPage=40&search=site-0010");
    assert_eq!(answer.status, 200, "{}", answer.text);
    let names = names_of(&answer);
    assert_eq!(names.len(), 10, "site-00100 .. site-00109: {names:?}");
    assert!(names.iter().all(|name| name.contains("site-0010")));
    assert_eq!(pagination(&answer)["total"], 10);
    assert_eq!(pagination(&answer)["total_pages"], 1);

    let none = Client::v3(&sim).get("/domains?page=1&perPage=40&search=absent.example");
    assert_eq!(names_of(&none), Vec::<String>::new());
    assert_eq!(pagination(&none)["total"], 0);
}

#[test]
fn a_simulator_ignoring_search_answers_the_whole_list() {
    let sim = start(SimConfig::new().extra_domains(119).search_filters(false));
    let answer = Client::v3(&sim).get("/domains?page=1&perPage=40&search=site-0010");
    assert_eq!(names_of(&answer).len(), 40);
    assert_eq!(pagination(&answer)["total"], 120);

    // Turned on and off at run time through the control API.
    let control = Client::root(&sim, common::Auth::v3());
    assert_eq!(
        control
            .post("/__sim/search", json!({ "filters": true }))
            .status,
        200
    );
    let filtered = Client::v3(&sim).get("/domains?page=1&perPage=40&search=site-0010");
    assert_eq!(pagination(&filtered)["total"], 10);
}
