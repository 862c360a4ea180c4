//! Bodies of the onboarding routes (API.md, "Onboarding").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use xdr_domain::AssetId;
use xdr_domain::onboarding::{Asset, EnrollmentToken, PlanItem, Scan, ScanRequest, TokenRequest};
use xdr_service::onboarding::{InstallScripts, Validation, WizardView};

#[derive(Debug, Serialize, ToSchema)]
pub struct WizardBody {
    #[schema(example = "in_progress")]
    pub status: String,
    #[schema(example = "network_scan")]
    pub current_step: String,
    pub completed_steps: Vec<String>,
    pub profile: Option<ProfileBody>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    pub region: String,
    pub industry: String,
    #[schema(example = "51-200")]
    pub company_size: String,
}

impl From<&WizardView> for WizardBody {
    fn from(v: &WizardView) -> Self {
        Self {
            status: v.status.as_str().to_owned(),
            current_step: v.current_step.as_str().to_owned(),
            completed_steps: v
                .completed_steps
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            profile: v.profile.as_ref().map(|p| ProfileBody {
                region: p.region.clone(),
                industry: p.industry.clone(),
                company_size: p.company_size.as_str().to_owned(),
            }),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// Complete although a validation check failed (audited as forced).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckBody {
    #[schema(example = "agent_active")]
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationBody {
    pub checks: Vec<CheckBody>,
    pub all_passed: bool,
}

impl From<&Validation> for ValidationBody {
    fn from(v: &Validation) -> Self {
        Self {
            checks: v
                .checks
                .iter()
                .map(|c| CheckBody {
                    name: c.name.to_owned(),
                    passed: c.passed,
                    detail: c.detail.clone(),
                })
                .collect(),
            all_passed: v.all_passed,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequestBody {
    #[schema(example = json!(["10.0.0.0/24"]))]
    pub network_ranges: Vec<String>,
    pub ports: Option<Vec<i64>>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl From<ScanRequestBody> for ScanRequest {
    fn from(b: ScanRequestBody) -> Self {
        Self {
            network_ranges: b.network_ranges,
            ports: b.ports,
            exclude: b.exclude,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanStarted {
    pub scan_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanBody {
    pub id: Uuid,
    #[schema(example = "running")]
    pub status: String,
    pub network_ranges: Vec<String>,
    pub ports: Vec<u16>,
    pub exclude: Vec<String>,
    pub hosts_total: u64,
    pub hosts_scanned: u64,
    pub found: u64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl From<&Scan> for ScanBody {
    fn from(s: &Scan) -> Self {
        Self {
            id: s.id.as_uuid(),
            status: s.status.as_str().to_owned(),
            network_ranges: s.network_ranges.clone(),
            ports: s.ports.clone(),
            exclude: s.exclude.clone(),
            hosts_total: s.hosts_total,
            hosts_scanned: s.hosts_scanned,
            found: s.found,
            created_at: s.created_at,
            started_at: s.started_at,
            finished_at: s.finished_at,
            error: s.error.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanList {
    pub items: Vec<ScanBody>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceBody {
    pub port: u16,
    pub banner: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetBody {
    pub id: Uuid,
    pub ip: String,
    pub hostname: Option<String>,
    #[schema(example = "linux")]
    pub os: String,
    pub os_confidence: f64,
    #[schema(example = "web_server")]
    pub role: String,
    #[schema(example = "high")]
    pub priority: String,
    pub services: Vec<ServiceBody>,
    pub agent_id: Option<Uuid>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub scan_id: Uuid,
}

impl From<&Asset> for AssetBody {
    fn from(a: &Asset) -> Self {
        Self {
            id: a.id.as_uuid(),
            ip: a.ip.to_string(),
            hostname: a.hostname.clone(),
            os: a.os.as_str().to_owned(),
            os_confidence: a.os_confidence,
            role: a.role.as_str().to_owned(),
            priority: a.priority.as_str().to_owned(),
            services: a
                .services
                .iter()
                .map(|s| ServiceBody {
                    port: s.port,
                    banner: s.banner.clone(),
                })
                .collect(),
            agent_id: a.agent_id.map(|i| i.as_uuid()),
            first_seen_at: a.first_seen_at,
            last_seen_at: a.last_seen_at,
            scan_id: a.scan_id.as_uuid(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetList {
    pub items: Vec<AssetBody>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetQuery {
    /// Assets this scan found or updated last.
    pub scan_id: Option<Uuid>,
    /// critical, high, medium or low.
    pub priority: Option<String>,
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanItemBody {
    pub asset_id: Uuid,
    pub ip: String,
    pub priority: String,
    #[schema(example = "linux")]
    pub recommended_platform: String,
    pub reason: String,
}

impl From<&PlanItem<AssetId>> for PlanItemBody {
    fn from(i: &PlanItem<AssetId>) -> Self {
        Self {
            asset_id: i.asset_id.as_uuid(),
            ip: i.ip.to_string(),
            priority: i.priority.as_str().to_owned(),
            recommended_platform: i.recommended_platform.as_str().to_owned(),
            reason: i.reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeploymentPlan {
    pub items: Vec<PlanItemBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequestBody {
    #[schema(example = "linux")]
    pub platform: String,
    /// 1–720 (default 24).
    pub expires_in_hours: Option<i64>,
    /// 1–1000 (default 1).
    pub max_uses: Option<i64>,
    pub label: Option<String>,
}

impl From<TokenRequestBody> for TokenRequest {
    fn from(b: TokenRequestBody) -> Self {
        Self {
            platform: b.platform,
            expires_in_hours: b.expires_in_hours,
            max_uses: b.max_uses,
            label: b.label,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScriptsBody {
    pub linux: String,
    pub macos: String,
    pub windows: String,
    pub docker: String,
}

impl From<InstallScripts> for ScriptsBody {
    fn from(s: InstallScripts) -> Self {
        Self {
            linux: s.linux,
            macos: s.macos,
            windows: s.windows,
            docker: s.docker,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedTokenBody {
    pub id: Uuid,
    /// Shown only here; storage keeps its hash.
    pub token: String,
    pub platform: String,
    pub label: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub install_scripts: ScriptsBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenBody {
    pub id: Uuid,
    pub platform: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub uses: u32,
    pub revoked_at: Option<DateTime<Utc>>,
    #[schema(example = "active")]
    pub status: String,
}

impl TokenBody {
    pub fn at(t: &EnrollmentToken, now: DateTime<Utc>) -> Self {
        Self {
            id: t.id.as_uuid(),
            platform: t.platform.as_str().to_owned(),
            label: t.label.clone(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            max_uses: t.max_uses,
            uses: t.uses,
            revoked_at: t.revoked_at,
            status: t.status(now).as_str().to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenBody>,
    pub next_cursor: Option<String>,
}
