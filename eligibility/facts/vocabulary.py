"""The applicant fact vocabulary (rule-inventory §8): the single source of truth for field names.

Every field an applicant file may carry is declared here once, with its kind, its 中文 label and
(for enums) its allowed values. The published JSON Schema (`facts.schema`), the validator
(`facts.validate`), the documentation and the policy compiler's field checks all read from here.

Names are relative to the entity they describe. A nested object flattens to dotted names
("transferor.registered_region", "financing_service_fees.guarantee"); a list of objects inside a
record ("items") flattens to many-valued fields ("items.ip_type"). Two maps have open keys:
`reviewer_attestations.<criterion_id>` (JUDG, rule-inventory §0.5) and
`selection_result.<programme_id>.selected` / `.approved_amount` (SEL).
"""

from __future__ import annotations

import re
from enum import StrEnum

from eligibility.frozen import frozen_record


class FieldKind(StrEnum):
    BOOL = "bool"
    INT = "int"
    MONEY = "money"
    DATE = "date"
    REGION = "region"
    ENUM = "enum"
    STRING = "string"
    YEAR = "year"


@frozen_record
class FieldSpec:
    """One field. `many` = a JSON list of scalars (or a field of a list of objects, e.g. items).

    The last four fields refine the kind: `unique` (many: a value may appear once, V-DUP),
    `length` (many: exact number of values), `minimum`/`maximum` (INT and YEAR bounds; an INT
    has minimum 0 unless stated).
    """

    name: str
    kind: FieldKind
    label: str
    unit: str = ""
    enum_values: tuple[str, ...] = ()
    many: bool = False
    unique: bool = False
    length: int | None = None
    minimum: int | None = None
    maximum: int | None = None


@frozen_record
class CollectionSpec:
    """A list of records (ip_contracts, ...). `id_field`, when set, is required and unique.

    `name_field` (only without an id field) names a record in explanations when its value is
    given and appears once in the list; otherwise the record is "<collection>[<index>]".
    """

    name: str
    label: str
    id_field: str | None
    fields: tuple[FieldSpec, ...]
    name_field: str | None = None


@frozen_record
class GroupSpec:
    """A nested JSON object whose fields flatten to "<name>.<field>"; `is_list`: a list of them."""

    name: str
    label: str
    is_list: bool = False
    min_items: int = 0
    required: tuple[str, ...] = ()


FORMAT_VERSION = "eligibility.applicant/1"
"""The value of a file's "schema" key."""

ID_PATTERN = "^[A-Za-z][A-Za-z0-9_]*$"
"""Keys of reviewer_attestations, selection_result and context.interpretations."""

_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
YEAR_MIN, YEAR_MAX = 1900, 2100
ATTESTATIONS = "reviewer_attestations"
SELECTION = "selection_result"


def _b(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.BOOL, label)


def _s(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.STRING, label)


def _d(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.DATE, label)


def _m(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.MONEY, label, unit="元")


def _e(name: str, label: str, values: tuple[str, ...], many: bool = False) -> FieldSpec:
    return FieldSpec(name, FieldKind.ENUM, label, enum_values=values, many=many, unique=many)


def _y(name: str, label: str, many: bool = False) -> FieldSpec:
    return FieldSpec(
        name,
        FieldKind.YEAR,
        label,
        "年",
        many=many,
        unique=many,
        minimum=YEAR_MIN,
        maximum=YEAR_MAX,
    )


# ---- enum values (order as in rule-inventory §8) --------------------------------------------
LEGAL_FORMS = (
    "company",
    "partnership",
    "sole_proprietorship",
    "individual_business",
    "farmer_cooperative",
    "public_institution",
    "social_organisation",
    "government_body",
    "other",
)
NON_ENTERPRISE_FORMS = frozenset({"public_institution", "social_organisation", "government_body"})
ENTITY_KINDS = (
    "university",
    "research_institute",
    "hospital",
    "new_rd_institution",
    "ip_operation_service_institution",
    "ip_service_institution",
    "ip_trading_service_institution",
    "ip_operation_service_platform",
    "ip_asset_management_company",
    "commercial_bank",
    "insurance_institution",
    "guarantee_institution",
    "industry_association",
    "industry_ip_alliance",
    "industrial_park_operator",
    "ip_cluster_operator",
    "university_ip_school",
    "district_ip_authority",
)
OWNERSHIP = ("state_owned", "non_state")
ENTERPRISE_SIZES = ("large", "medium", "small", "micro")
IP_TYPES = ("invention_patent", "utility_model", "design_patent", "trademark", "other_ip")
PLEDGE_IP_TYPES = ("invention_patent", "utility_model", "design_patent", "trademark")
CNIPA_STATUSES = ("registered", "pending", "not_filed", "rejected")
CITY_KINDS = (
    "prefecture_level_city",
    "sub_provincial_city",
    "separately_planned_city",
    "municipality_district",
    "municipality_county",
    "county_level_city",
    "municipality_whole",
)


def _party(prefix: str, label: str) -> tuple[FieldSpec, ...]:
    return (
        _s(f"{prefix}.name", f"{label}·名称"),
        _e(f"{prefix}.legal_form", f"{label}·组织形式", LEGAL_FORMS),
        _e(f"{prefix}.entity_kinds", f"{label}·主体类别", ENTITY_KINDS, many=True),
        _e(f"{prefix}.ownership", f"{label}·所有制", OWNERSHIP),
        _e(f"{prefix}.enterprise_size", f"{label}·企业规模", ENTERPRISE_SIZES),
        FieldSpec(f"{prefix}.registered_region", FieldKind.REGION, f"{label}·注册地"),
    )


_ORGANISATION = (
    _s("applicant_id", "申请主体编号"),
    _e("applicant_kind", "申请主体层级（单位/城市）", ("organisation", "city")),
    _s("name", "名称"),
    _e("legal_form", "组织形式", LEGAL_FORMS),
    _e("entity_kinds", "主体类别", ENTITY_KINDS, many=True),
    _e("ownership", "所有制", OWNERSHIP),
    _e("enterprise_size", "企业规模（大/中/小/微）", ENTERPRISE_SIZES),
    _s("parent_university_id", "所属高校"),
    FieldSpec("registered_region", FieldKind.REGION, "注册地"),
    FieldSpec(
        "operating_regions", FieldKind.REGION, "经营（运营）活动地域", many=True, unique=True
    ),
    _b("operating_status_normal", "经营状态正常"),
    _b("credit_good", "信用良好/信用记录良好"),
    _b("has_standard_financial_management", "有规范的财务管理制度"),
    _b("has_project_capacity", "具有项目承担（运行）能力"),
    _b("has_conducted_patent_conversion_work", "已开展专利转化工作"),
    _b("fraud_debarment", "弄虚作假/套取财政资金记录"),
    FieldSpec(
        "full_time_ip_operation_staff",
        FieldKind.INT,
        "专职从事知识产权运营或相关服务人员数",
        unit="人",
        minimum=0,
    ),
    _e("cq_centre_type", "运营中心类型", ("none", "comprehensive", "industry")),
    _e(
        "cq_centre_status",
        "运营中心状态",
        ("none", "proposed_new", "under_construction", "grace_period", "accepted", "disqualified"),
    ),
    _b("has_online_offline_service_platform", "线上线下服务功能"),
    _b("has_ip_operation_work_rules", "知识产权运营工作制度"),
    _b("has_ip_operation_work_plan", "知识产权运营工作方案"),
    _b("has_operating_funding_guarantee", "维持运营的保障经费"),
    _b("has_subject_qualification_docs", "主体资格材料"),
    _b("has_application_form", "申报书"),
    _b("is_specialised_sophisticated_sme", "专精特新中小企业"),
    _e(
        "livelihood_sector",
        "民生领域",
        (
            "none",
            "rehabilitation_aids",
            "time_honoured_brand",
            "military_to_civil",
            "other_livelihood",
        ),
    ),
    _b("is_national_ip_advantage_or_demo_enterprise", "国家知识产权优势/示范企业"),
    _b("is_sh_patent_pilot_or_demo_unit", "上海市专利工作试点/示范单位"),
    _b("sh_trusteeship_registered", "在市知识产权局备案入册"),
    FieldSpec(
        "district_supermarket_sequence",
        FieldKind.INT,
        "区内专利超市序号（1 = 区内首家）",
        minimum=1,
    ),
    _b("standard_project_approved", "地方标准获批立项"),
    _d("standard_project_approved_date", "地方标准获批立项日期"),
    _s("joint_partner_ip_operation_institution", "联合的知识产权运营机构"),
    _s("partner_ip_service_institution", "依托的知识产权服务机构"),
)

_MATERIALS = (
    ("work_plan_3y_with_targets", "三年工作方案（含绩效目标）"),
    ("ip_work_report_2016_2018", "知识产权工作总体情况报告（2016—2018年）"),
    ("policy_list_2016_2018", "2016—2018年主要知识产权政策文件清单"),
    ("provincial_recommendation_opinion", "省级推荐意见"),
    ("electronic_copy_on_disc", "电子版附光盘"),
)

_CITY = (
    _s("city_id", "城市编号"),
    _e("city_kind", "城市类型", CITY_KINDS),
    FieldSpec("province_code", FieldKind.REGION, "所在省（区、市）"),
    _y(
        "central_service_fund_ip_operation_support_years",
        "中央财政服务业发展资金支持知识产权运营的年份",
        many=True,
    ),
    _b("recommended_by_province", "省级推荐"),
    _b("provincial_finance_and_ip_approval", "省级财政、知识产权部门审核同意"),
    _b("application_filed_by_city_government", "市政府行文申报"),
    _b("direct_application", "直接向财政部、国家知识产权局申报"),
    _d("submission_date", "材料上报日期"),
    *(_b(f"materials.{key}", f"申报材料·{label}") for key, label in _MATERIALS),
    FieldSpec(
        "plan_covers_mandatory_tasks",
        FieldKind.BOOL,
        "必做内容覆盖（三（一）1–5）",
        many=True,
        length=5,
    ),
    _b("is_national_ip_demonstration_city", "国家知识产权示范城市"),
    _b("trademark_gi_resource_rich", "商标、地理标志资源富集"),
    _m("central_funding_total", "中央财政支持总额"),
    _m("central_funding_2019", "中央财政2019年安排"),
    _d("central_funds_issued_date", "资金下达日"),
    _d("implementation_plan_filed_date", "实施方案备案日"),
    _b("performance_assessment_passed", "绩效考核通过"),
)

_APPLICANT: dict[str, FieldSpec] = {f.name: f for f in (*_ORGANISATION, *_CITY)}

_CONTEXT: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        _d("application_date", "申报日期"),
        _y("assessment_year", "考核年度 / 本年度"),
    )
}

_IP_CONTRACT = (
    _s("record_id", "记录编号"),
    _e(
        "contract_kind", "交易方式", ("transfer", "licence", "open_licence", "capital_contribution")
    ),
    FieldSpec("items.ip_number", FieldKind.STRING, "标的知识产权·编号", many=True),
    FieldSpec(
        "items.ip_type", FieldKind.ENUM, "标的知识产权·类型", enum_values=IP_TYPES, many=True
    ),
    _e(
        "applicant_role",
        "申请人角色",
        ("transferor_or_licensor", "transferee_or_licensee", "intermediary"),
    ),
    *_party("transferor", "转让方/许可方"),
    *_party("transferee", "受让方/被许可方"),
    _e("served_party", "服务对象", ("transferor", "transferee", "both")),
    _b("facilitated_by_applicant", "由申请人促成（居间/撮合）"),
    _d("contract_date", "合同签订/成交日期"),
    _e("cnipa_registration_status", "国家知识产权局登记备案状态", CNIPA_STATUSES),
    _d("cnipa_registration_date", "登记/备案日期"),
    _m("registered_contract_amount", "登记/备案合同金额"),
    _m("actually_paid_amount", "实付交易金额"),
    _e(
        "open_licence_platform",
        "开放许可依托平台",
        ("cq_ip_operation_centre", "jiangbei_public_service_platform", "other", "none"),
    ),
    _b("implemented", "已转化实施"),
    _b("purpose_conversion_implementation", "以转化实施为目的"),
    _b("payment_evidence_present", "银行进账单/发票"),
    _b("service_agreement_present", "中介服务协议"),
)

_PLEDGE = (
    _s("record_id", "记录编号"),
    _e("pledged_ip_types", "质押物类型", PLEDGE_IP_TYPES, many=True),
    *_party("borrower", "出质人（借款人）"),
    *_party("lender", "质权人（贷款银行）"),
    _e("applicant_role", "申请人角色", ("borrower", "lender", "intermediary")),
    _b("facilitated_by_applicant", "由申请人促成"),
    _e("served_party", "服务对象", ("borrower", "lender", "both")),
    _e("cnipa_pledge_registration_status", "质押登记状态", CNIPA_STATUSES),
    _d("cnipa_pledge_registration_date", "质押登记日期"),
    _m("pledge_registered_amount", "质押登记（主债权）金额"),
    _m("loan_disbursed_amount", "实际放款（贷款）金额"),
    _d("disbursement_date", "放款日"),
    _d("loan_due_date", "约定还款日"),
    _b("repaid_in_full", "还款完毕"),
    _d("repayment_completed_date", "还款完毕日期"),
    _m("financing_service_fees.guarantee", "融资服务费用·担保费"),
    _m("financing_service_fees.valuation", "融资服务费用·评估费"),
    _m("financing_service_fees.other", "融资服务费用·其他"),
    _b("inclusive_finance", "普惠性"),
)

_COLLECTION_LIST = (
    CollectionSpec(
        "ip_contracts", "知识产权转让/许可/开放许可/作价入股合同", "record_id", _IP_CONTRACT
    ),
    CollectionSpec("pledge_financings", "知识产权质押融资", "record_id", _PLEDGE),
    CollectionSpec(
        "patent_product_filings",
        "专利产品备案",
        "record_id",
        (
            _s("record_id", "记录编号"),
            _s("product_name", "产品名称"),
            _e(
                "platform",
                "备案平台",
                ("national_patent_intensive_product_pilot_platform", "other"),
            ),
            _e("filing_status", "备案状态", ("filed", "pending", "rejected")),
            _d("filing_date", "备案日期"),
        ),
    ),
    CollectionSpec(
        "financial_products",
        "知识产权金融产品",
        "product_id",
        (
            _s("product_id", "产品编号"),
            _s("name", "产品名称"),
            _e("issuer_role", "发行/实施", ("issuer", "implementer")),
            _m("financing_scale", "融资规模"),
            _d("launch_date", "发行/实施日期"),
        ),
    ),
    CollectionSpec(
        "training_sessions",
        "宣传培训场次",
        "session_id",
        (
            _s("session_id", "场次编号"),
            _d("date", "培训日期"),
            FieldSpec("participants", FieldKind.INT, "参与人数", unit="人", minimum=0),
        ),
    ),
    CollectionSpec(
        "other_fiscal_support",
        "已获其他财政资金支持",
        "support_id",
        (
            _s("support_id", "资助编号"),
            _e("level", "资金层级", ("central", "municipal", "district", "other")),
            _s("programme", "资助项目"),
            FieldSpec(
                "covers_record_ids", FieldKind.STRING, "覆盖的记录编号", many=True, unique=True
            ),
            _s("covers_project_id", "覆盖的项目编号"),
            _m("amount", "金额"),
            _d("date", "日期"),
        ),
    ),
    CollectionSpec(
        "prior_awards",
        "已获本项目奖补",
        None,
        (
            _s("programme_id", "项目编号"),
            _e("batch_id", "批次", ("yb_batch_1", "yb_batch_2", "single")),
            _y("year", "年度"),
            _m("amount", "金额"),
            FieldSpec("record_ids", FieldKind.STRING, "对应记录编号", many=True, unique=True),
        ),
    ),
    CollectionSpec(
        "project_proposals",
        "申报项目",
        # No id field: one project may be proposed under two programmes (京 第十四条 从高不重复);
        # a (programme_id, project_id) pair may appear once (facts.checks, V-DUP).
        None,
        (
            _s("programme_id", "项目编号"),
            _s("project_id", "申报项目编号"),
            _m("requested_amount", "申请金额"),
        ),
        name_field="project_id",
    ),
    CollectionSpec(
        "construction_periods",
        "建设周期/验收/宽限期",
        None,
        (
            _d("start", "建设开始日"),
            _d("end", "建设结束日"),
            _d("acceptance_date", "验收日期"),
            _e("acceptance_result", "验收结果", ("pass", "fail", "pending")),
            _d("grace_end", "宽限期结束日"),
        ),
    ),
    CollectionSpec(
        "municipal_programme_periods",
        "市级工程实施期",
        None,
        (
            _e("programme", "市级工程", ("patent_navigation", "hvp_cultivation")),
            _d("start", "实施开始日"),
            _d("end", "实施结束日"),
        ),
    ),
    CollectionSpec(
        "local_standard_projects",
        "受托起草的地方标准（逐项立项情况）",
        "standard",
        (
            _e(
                "standard",
                "地方标准",
                ("sh_prefiling_assessment", "sh_hvp_upgrade", "sh_park_trusteeship"),
            ),
            _b("project_approved", "地方标准获批立项"),
            _d("project_approved_date", "地方标准获批立项日期"),
        ),
    ),
    CollectionSpec(
        "bank_annual_pledge_stats",
        "银行年度专利质押统计",
        "year",
        (
            _y("year", "年度"),
            _m("patent_pledge_registered_amount_total", "年专利质押登记金额"),
            FieldSpec(
                "patent_pledge_registration_count",
                FieldKind.INT,
                "年质押登记项目数",
                unit="项",
                minimum=0,
            ),
        ),
    ),
)
_COLLECTIONS: dict[str, CollectionSpec] = {c.name: c for c in _COLLECTION_LIST}
_RECORD_FIELDS: dict[str, dict[str, FieldSpec]] = {
    c.name: {f.name: f for f in c.fields} for c in _COLLECTION_LIST
}

_GROUPS: dict[str, GroupSpec] = {
    g.name: g
    for g in (
        GroupSpec("transferor", "转让方/许可方"),
        GroupSpec("transferee", "受让方/被许可方"),
        GroupSpec("borrower", "出质人（借款人）"),
        GroupSpec("lender", "质权人（贷款银行）"),
        GroupSpec(
            "items", "标的知识产权", is_list=True, min_items=1, required=("ip_number", "ip_type")
        ),
        GroupSpec("financing_service_fees", "担保、评估等融资服务费用（由借款人承担）"),
        GroupSpec("materials", "申报材料"),
    )
}
PARTY_GROUPS = frozenset({"transferor", "transferee", "borrower", "lender"})


# ---- open-keyed maps (JUDG attestations, SEL results) ---------------------------------------
def is_id(text: str) -> bool:
    """True if `text` may key reviewer_attestations, selection_result or interpretations."""
    return _ID_RE.fullmatch(text) is not None


def _attestation_field(path: str) -> FieldSpec | None:
    parts = path.split(".")
    if len(parts) < 2 or parts[0] != ATTESTATIONS or not is_id(parts[1]) or len(parts) > 3:
        return None
    label = f"评审认定事项 {parts[1]}"
    match parts[2:]:
        case []:
            return FieldSpec(path, FieldKind.BOOL, label)
        case ["reviewer"]:
            return FieldSpec(path, FieldKind.STRING, f"{label}·评审人")
        case ["date"]:
            return FieldSpec(path, FieldKind.DATE, f"{label}·认定日期")
    return None


def _selection_field(path: str) -> FieldSpec | None:
    parts = path.split(".")
    if len(parts) != 3 or parts[0] != SELECTION or not is_id(parts[1]):
        return None
    if parts[2] == "selected":
        return FieldSpec(path, FieldKind.BOOL, f"遴选/评审结果 {parts[1]}·入选")
    if parts[2] == "approved_amount":
        return FieldSpec(path, FieldKind.MONEY, f"遴选/评审结果 {parts[1]}·核定金额", unit="元")
    return None


# ---- lookups --------------------------------------------------------------------------------
def applicant_field(path: str) -> FieldSpec | None:
    """The applicant-level field `path` ("credit_good", "materials.electronic_copy_on_disc",
    "reviewer_attestations.cq9_2_typical_cases", "selection_result.<id>.approved_amount")."""
    return _APPLICANT.get(path) or _attestation_field(path) or _selection_field(path)


def collection(name: str) -> CollectionSpec | None:
    return _COLLECTIONS.get(name)


def record_field(collection_name: str, path: str) -> FieldSpec | None:
    """A field of a record of `collection_name`, including reviewer_attestations.<criterion_id>."""
    fields = _RECORD_FIELDS.get(collection_name)
    if fields is None:
        return None
    return fields.get(path) or _attestation_field(path)


def context_field(path: str) -> FieldSpec | None:
    """A field of the file's context block (rule-inventory §8.1), interpretations excluded."""
    return _CONTEXT.get(path)


def group(name: str) -> GroupSpec | None:
    """The nested object or list of objects whose fields are named "<name>.<field>"."""
    return _GROUPS.get(name)


def applicant_field_names() -> tuple[str, ...]:
    return tuple(_APPLICANT)


def collection_names() -> tuple[str, ...]:
    return tuple(_COLLECTIONS)


def context_field_names() -> tuple[str, ...]:
    return tuple(_CONTEXT)
