//! The dependency direction of docs/architecture.md, checked against `cargo metadata`, and
//! what belongs in `xdr-auth` (proving who a caller is, nothing of the product's use cases).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Which workspace crates each crate may depend on (any dependency kind).
const ALLOWED: &[(&str, &[&str])] = &[
    ("xdr-domain", &[]),
    ("xdr-crypto", &[]),
    ("xdr-auth", &["xdr-domain", "xdr-crypto"]),
    ("xdr-service", &["xdr-domain", "xdr-crypto", "xdr-auth"]),
    ("xdr-persistence", &["xdr-domain", "xdr-crypto"]),
    ("xdr-http", &["xdr-domain", "xdr-auth", "xdr-service"]),
    (
        "xdr-console",
        &["xdr-domain", "xdr-crypto", "xdr-auth", "xdr-service"],
    ),
    ("xdr-agent", &["xdr-domain", "xdr-crypto", "xdr-auth"]),
    (
        "xdr-server",
        &[
            "xdr-domain",
            "xdr-crypto",
            "xdr-auth",
            "xdr-service",
            "xdr-persistence",
            "xdr-http",
            "xdr-console",
        ],
    ),
];

/// External packages that only the named workspace crates may reach, even transitively: SQL
/// stays in persistence, HTTP in the two edges (the API and the console), templates in the
/// console.
const CONFINED: &[(&str, &[&str])] = &[
    ("diesel", &["xdr-persistence"]),
    ("diesel_migrations", &["xdr-persistence"]),
    ("actix-web", &["xdr-http", "xdr-console"]),
    ("askama", &["xdr-console"]),
];

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Workspace crate name → names of its direct dependencies (all kinds).
fn direct_dependencies(meta: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["name"].as_str().unwrap().to_owned())
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

/// Package name → names reachable through normal (non-dev) dependencies.
fn reachable(meta: &Value, from: &str) -> BTreeSet<String> {
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    let name_of = |id: &str| -> String {
        meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let start = nodes
        .iter()
        .find(|n| name_of(n["id"].as_str().unwrap()) == from)
        .unwrap();
    let mut seen = BTreeSet::new();
    let mut stack = vec![start["id"].as_str().unwrap().to_owned()];
    while let Some(id) = stack.pop() {
        let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
        for dep in node["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            let dep_id = dep["pkg"].as_str().unwrap().to_owned();
            if normal && seen.insert(name_of(&dep_id)) {
                stack.push(dep_id);
            }
        }
    }
    seen
}

#[test]
fn workspace_dependencies_follow_the_architecture() {
    let meta = metadata();
    let deps = direct_dependencies(&meta);
    let workspace: BTreeSet<&str> = ALLOWED.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        deps.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        workspace,
        "every workspace crate needs a rule"
    );
    for (krate, allowed) in ALLOWED {
        let forbidden: Vec<&String> = deps[*krate]
            .iter()
            .filter(|d| workspace.contains(d.as_str()) && d.as_str() != *krate)
            .filter(|d| !allowed.contains(&d.as_str()))
            .collect();
        assert!(
            forbidden.is_empty(),
            "{krate} must not depend on {forbidden:?}"
        );
    }
}

#[test]
fn confined_packages_stay_in_their_crate() {
    let meta = metadata();
    for (package, owners) in CONFINED {
        for (krate, _) in ALLOWED {
            if owners.contains(krate) || *krate == "xdr-server" {
                continue;
            }
            assert!(
                !reachable(&meta, krate).contains(*package),
                "{krate} reaches {package}, which belongs to {owners:?} only"
            );
        }
    }
}

/// The product's areas whose use cases live in `xdr-service`, never in `xdr-auth`.
const NOT_AUTHENTICATION: &[&str] = &[
    "detection",
    "containment",
    "credentials",
    "webhooks",
    "inventory",
    "security",
    "vault",
];

/// Every `.rs` file below `dir`, as paths relative to it.
fn sources(dir: &std::path::Path, rel: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = rel.join(entry.file_name());
        if path.is_dir() {
            sources(&path, &rel, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(rel);
        }
    }
}

#[test]
fn auth_holds_no_product_use_cases() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../xdr-auth/src");
    let mut files = Vec::new();
    sources(&src, std::path::Path::new(""), &mut files);
    assert!(!files.is_empty(), "xdr-auth sources found under {src:?}");
    for file in &files {
        for part in file.iter() {
            let stem = std::path::Path::new(part)
                .file_stem()
                .unwrap()
                .to_string_lossy();
            assert!(
                !NOT_AUTHENTICATION.contains(&stem.as_ref()),
                "xdr-auth has a module about {stem} ({file:?}): it belongs in xdr-service"
            );
        }
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        for area in NOT_AUTHENTICATION {
            let domain_path = format!("xdr_domain::{area}");
            assert!(
                !text.contains(&domain_path),
                "xdr-auth's {file:?} uses {domain_path}: that use case belongs in xdr-service"
            );
        }
    }
}
