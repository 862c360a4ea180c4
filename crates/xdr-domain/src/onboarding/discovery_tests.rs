#![allow(clippy::unwrap_used)]

use super::*;

fn request(ranges: &[&str]) -> ScanRequest {
    ScanRequest {
        network_ranges: ranges.iter().map(|s| s.to_string()).collect(),
        ..ScanRequest::default()
    }
}

fn fields(errors: FieldErrors) -> Vec<String> {
    errors.into_map().into_keys().collect()
}

fn range(s: &str) -> IpRange {
    s.parse().unwrap()
}

#[test]
fn private_loopback_and_link_local_ranges_are_planned_with_the_default_ports() {
    let plan = plan_scan(
        &request(
            &[
                "10.0.0.0/22",
                "192.168.1.0/24",
                "127.0.0.0/24",
                "169.254.0.0/24",
                "fd00::/120",
            ][..4],
        ),
        &DiscoveryPolicy::default(),
    )
    .unwrap();
    assert_eq!(plan.ranges.len(), 4);
    assert_eq!(plan.ports, DEFAULT_PORTS.to_vec());
    assert!(
        plan_scan(
            &request(&["fd00::/120", "fe80::1", "::1"]),
            &DiscoveryPolicy::default()
        )
        .is_ok()
    );
    assert!(plan_scan(&request(&["172.31.255.0/24"]), &DiscoveryPolicy::default()).is_ok());
}

#[test]
fn public_space_is_refused_unless_the_operator_allows_it() {
    let policy = DiscoveryPolicy::default();
    for public in [
        "8.8.8.0/24",
        "172.32.0.0/24",
        "192.169.0.1",
        "2001:db8::/120",
        "100.64.0.0/24",
    ] {
        let errors = plan_scan(&request(&[public]), &policy).unwrap_err();
        assert_eq!(fields(errors), vec!["network_ranges"], "{public}");
    }
    // A range that straddles the edge of private space is refused too.
    assert!(plan_scan(&request(&["172.15.252.0/22"]), &policy).is_err());
    let allowed = DiscoveryPolicy {
        allowed_ranges: vec![range("198.51.100.0/24")],
        ..DiscoveryPolicy::default()
    };
    assert!(plan_scan(&request(&["198.51.100.0/25"]), &allowed).is_ok());
    assert!(plan_scan(&request(&["198.51.101.0/25"]), &allowed).is_err());
}

#[test]
fn size_and_count_limits() {
    let policy = DiscoveryPolicy::default();
    assert!(plan_scan(&request(&["10.0.0.0/21"]), &policy).is_err());
    assert!(plan_scan(&request(&["fd00::/117"]), &policy).is_err());
    assert!(plan_scan(&request(&["fd00::/118"]), &policy).is_ok());
    let five = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"];
    assert!(plan_scan(&request(&five), &policy).is_err());
    assert!(plan_scan(&request(&five[..4]), &policy).is_ok());
    assert!(plan_scan(&request(&[]), &policy).is_err());
    // Even an allowed range is at most a /22.
    let everything = DiscoveryPolicy {
        allowed_ranges: vec![range("0.0.0.0/0")],
        ..DiscoveryPolicy::default()
    };
    assert!(plan_scan(&request(&["8.0.0.0/8"]), &everything).is_err());
}

#[test]
fn ports_are_checked_deduplicated_and_bounded() {
    let policy = DiscoveryPolicy::default();
    let with_ports = |ports: Vec<i64>| ScanRequest {
        ports: Some(ports),
        ..request(&["127.0.0.1"])
    };
    assert_eq!(
        plan_scan(&with_ports(vec![443, 22, 22]), &policy)
            .unwrap()
            .ports,
        vec![22, 443]
    );
    for bad in [vec![0], vec![65536], vec![-1], vec![]] {
        assert_eq!(
            fields(plan_scan(&with_ports(bad.clone()), &policy).unwrap_err()),
            vec!["ports"],
            "{bad:?}"
        );
    }
    assert!(plan_scan(&with_ports((1..=101).collect()), &policy).is_err());
    assert!(plan_scan(&with_ports((1..=100).collect()), &policy).is_ok());
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad = ScanRequest {
        network_ranges: vec!["nonsense".into(), "8.8.8.8".into()],
        ports: Some(vec![0]),
        exclude: vec!["also nonsense".into()],
    };
    let errors = plan_scan(&bad, &DiscoveryPolicy::default())
        .unwrap_err()
        .into_map();
    assert_eq!(errors["network_ranges"].len(), 2);
    assert!(errors.contains_key("ports"));
    assert!(errors.contains_key("exclude"));
}

#[test]
fn exclusions_of_the_request_and_of_the_operator_are_never_targets() {
    let policy = DiscoveryPolicy {
        excluded_ranges: vec![range("127.0.0.4/31")],
        ..DiscoveryPolicy::default()
    };
    let req = ScanRequest {
        exclude: vec!["127.0.0.2".into()],
        ..request(&["127.0.0.0/29", "127.0.0.0/30"])
    };
    let plan = plan_scan(&req, &policy).unwrap();
    let targets: Vec<String> = plan.targets().iter().map(ToString::to_string).collect();
    // .0 and .7 are the /29's network and broadcast; the overlapping /30 adds nothing twice.
    assert_eq!(targets, vec!["127.0.0.1", "127.0.0.3", "127.0.0.6"]);
}
