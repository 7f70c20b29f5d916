"""The sample office's own words for 2022 and 2023 (2023 follows its published report)."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.config import Config
from pipeline.report.office_text import APPEND, REPLACE, paragraphs_path, write_paragraphs_workbook

SEED_ORGAN = "团结大街街道"

_SAMPLE_2023 = {
    "overview.intro": (
        "2023年以来，团结大街街道以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
        "《中华人民共和国政府信息公开条例》和党中央、国务院决策部署，坚持以人民为中心，坚持"
        "“党建引领、党员示范、综合治理、精准服务”的工作总思路和“一心为民、一网承接、一线服务”"
        "的工作机制。按照上级对政府信息公开工作的统一部署，调整了政府信息公开工作领导小组，"
        "明确工作分工及职责：社会事务办具体负责推进、指导、协调，街道纪工委负责监督全街道的"
        "政府信息公开工作。进一步做好政府网站建设维护、信息发布、网上依申请公开等相关工作，"
        "确保政府信息公开工作有序开展。"),
    "overview.proactive": (
        "2023年，团结大街街道深入贯彻落实国务院、自治区、包头市关于政务公开工作的部署，结合"
        "办事处工作职责和内容，主要围绕党建、财政预算、行政审批、公共服务、便民事项、社会救助等"
        "共{categories_published}项内容依法公示，全年新增主动公开政府信息"
        "{items_published_approx}条。一是加大重点领域主动公开力度；二是进一步完善便民服务中心、"
        "社区便民服务站的标准化建设，突出政务公开栏，强化政务公开的准确度和时效性；三是强化公开"
        "的规范化，不断拓展政府信息公开的广度和深度，推动政府信息公开工作走深走实。"),
    "overview.requests": (
        "政府门户网站设立了依申请公开专栏，方便公民、法人和其他组织申请政府信息公开。"
        "《昆都仑区人民政府办公室信息公开指南》对依申请公开的程序、申请方式、申请内容、注意事项"
        "和答复时限等都作了详细规定。\n"
        "2023年，团结大街街道收到群众申请公开政府信息{applications_received}件，"
        "均已按时限要求答复。"),
    "overview.management": (
        "团结大街街道坚持以人民为中心的发展思想，认真落实上级关于政务公开工作的决策部署，按照"
        "“放管服”改革要求集中统一对外公开并动态更新。一是明确政务信息发布审核流程，严把审查关，"
        "杜绝涉密涉敏信息公开，严格落实信息发布初审、复审、发布流程，对拟公开的政府信息逐级审查。"
        "二是推动“互联网+公众参与”，调动公众参与的积极性，主动接受公众监督。三是修订完善街道"
        "政务公开方案及办事指南，为申请人申请政务公开提供遵循。\n"
        "本年度，团结大街街道新增主动公开政府信息{items_published_approx}条，收到政府信息公开"
        "申请{applications_received}件、办结{applications_closed}件，全年通过会议方式进行政策解读"
        "{interpretations_会议}次。"),
    "overview.platforms": (
        "在政府信息平台上对基层政务公开标准化规范化相关栏目进行了调整，规范了平台设置，加强了"
        "政府信息日常管理。一是通过LED显示屏、政务公开栏等形式在全街道范围内开展《条例》宣传，"
        "重点面向政务信息工作人员和各站所负责人。二是通过政府网站、三务公开平台、街道和社区"
        "公众号、信息公示栏等多渠道公开，重点对财政预算、食品安全、养老服务、医疗卫生、社会救助"
        "等方面信息及时公示。三是规范信息发布流程，明确“三务公开”的范围、内容和时限，每季度开展"
        "一次信息管理和维护，有效增强街道、社区各项事务的透明度。"),
    "overview.supervision": (
        "街道严格按照《中华人民共和国政府信息公开条例》开展政府信息公开工作，强化组织领导，落实"
        "工作责任，严格审核发布内容，重点监督公开内容的真实性、时效性、合法性，及时准确回复群众"
        "咨询。纪工委负责监督考核评估，并将政府信息公开纳入年度目标绩效考核。每半年组织开展一次"
        "自查，对上传到平台上的{items_screened_approx}条公开内容逐一筛查。2023年11月，纪工委对"
        "部分表述不规范和公开不规范的{problems_found}条问题进行了通报，相关社区及时进行了整改。"
        "设立意见箱和监督电话{supervision_phone}，收集群众对信息公开工作的意见，及时调查落实。"
        "2023年度，未接到群众的投诉、举报。"),
    "problems": (
        "一是政务公开考核力度有待加强。存在信息共享不及时等问题，监督机制不够完善，审查不够严谨。"
        "二是政府信息公开不够规范，工作人员业务水平有待提高。公开的内容和形式不统一，工作人员"
        "更换频繁，业务能力参差不齐。三是部分领域公开内容有交叉。便民服务、社会救助等工作街道和"
        "社区都进行公开，容易出现重复公开或漏公开。\n"
        "针对以上问题，团结大街街道将加强组织领导，对信息发布的初审、复审、发布全程监督，对不规范"
        "的及时通报整改；加大工作人员培训力度，统一公开内容和形式；明确街道与社区的公开分工，"
        "避免重复公开和漏公开，使政务公开做到规范化、制度化、标准化。"),
    "other.fees": "本年度未收取政府信息公开信息处理费，不设账户，无单独收费项目。",
    "other.key_points": (
        "团结大街街道抓实抓细政府信息公开学习宣传工作，按照上级对政府信息公开工作的要求，主动"
        "公开政府信息、重点领域信息、通知公告等内容。"),
}


_SAMPLE_2022 = {
    "overview.intro": (
        "2022年，团结大街街道按照区委、区政府关于政务公开工作的安排，把政府信息公开作为服务群众"
        "的重要抓手，由党政办统筹、各社区分工落实，逐步建立起街道和社区两级公开工作机制。"),
    "overview.proactive": (
        "全年围绕党建工作、便民事项、社会救助、养老服务等群众关心的事项主动公开政府信息"
        "{items_published_approx}条，开展政策解读{interpretations}次，重点做好疫情防控和惠民政策"
        "的宣传解读。"),
    "overview.requests": (
        "2022年，团结大街街道收到政府信息公开申请{applications_received}件，均按规定程序登记、"
        "办理和答复。"),
    "overview.supervision": (
        "街道将政府信息公开纳入社区年度考核，组织开展公开栏和网站栏目专项检查，对检查中发现的"
        "更新不及时等问题督促社区限期整改。"),
    "problems": (
        "一是社区公开栏更新不够及时，部分信息公开后未及时撤换。二是政策解读形式比较单一，以会议"
        "解读为主。三是个别社区对依申请公开的办理流程还不熟悉。\n"
        "下一步，街道将建立公开栏定期更新台账，丰富图文、音视频等解读形式，并对社区工作人员开展"
        "依申请公开专题培训。"),
    "other.key_points": "对照上级政务公开工作要点逐项制定任务清单，按季度跟踪落实。",
}


def write_sample_paragraphs(workbooks_dir: str | Path, *, cfg: Config | None = None
                            ) -> list[Path]:
    """The sample office's 2022 and 2023 paragraphs workbooks (2023 follows its real report)."""
    written = []
    for year, texts, appended in ((2022, _SAMPLE_2022, {"other.key_points"}),
                                  (2023, _SAMPLE_2023, set())):
        # an invented organ of the sample district says its own name
        own = cfg.organ.short_name if cfg else SEED_ORGAN
        rows = {k: (APPEND if k in appended else REPLACE, v.replace(SEED_ORGAN, own))
                for k, v in texts.items()}
        written.append(write_paragraphs_workbook(paragraphs_path(workbooks_dir, year), year, rows,
                                                 cfg=cfg))
    return written
