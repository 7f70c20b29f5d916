"""The default text of every place in the report, written from the year's data in the style
of published reports."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pipeline.core import statutory
from pipeline.core.config import Config
from pipeline.core.numbers import as_written
from pipeline.report.placeholders import TextData, _nonzero, _total, approx


def _stripped_label(label: str) -> str:
    """"（二）部分公开（区分处理的…）" → "部分公开", "1.重复申请" → "重复申请"."""
    label = re.sub(r"^(（[一二三四五六七八九十]+）|\d+\.)", "", label)
    return re.sub(r"（[^）]*）$", "", label)


def _outcome_phrases(b) -> list[str]:
    out = []
    for row in statutory.OUTCOME_ROWS:
        n = _total(b, row.key)
        if not n:
            continue
        label = _stripped_label(row.label)
        parent = statutory.TABLE_B_ROW[row.parent]
        if parent.level > 0:  # a numbered item keeps its group: 无法提供（本机关不掌握…）
            label = f"{_stripped_label(parent.label)}（{label}）"
        out.append(f"{label}{as_written(n)}件")
    return out


def _timeliness(fig: Mapping[str, int | float | None], overdue_open: int) -> str:
    """What the words may say about deadlines: "all in time" only when every answer of the year
    was judged on time and no open application is past its deadline; late answers and overdue
    open applications with their counts; with answers that could not be judged, no count of
    timely ones (it would read as the whole)."""
    on_time, late, unknown = (fig.get(k) for k in
                              ("answered_on_time", "answered_late", "answered_unknown"))
    out = []
    if late:
        out.append(f"已办结的申请中，按时答复{as_written(on_time)}件，逾期答复{as_written(late)}件"
                   if unknown == 0 and on_time is not None
                   else f"已办结的申请中，逾期答复{as_written(late)}件")
    elif on_time and late == 0 and unknown == 0:
        out.append(f"已办结的申请中，按时答复{as_written(on_time)}件" if overdue_open
                   else "已办结的申请均在法定期限内答复")
    if overdue_open:
        out.append(f"尚未办结的申请中，有{as_written(overdue_open)}件已超过法定答复期限，仍在办理")
    return "；".join(out) + "。" if out else ""


def _breakdown(total, facts: Mapping[str, int | float], names: Sequence[str], unit: str) -> str:
    """"，其中A3条、B4条" when the parts add up to the total, else nothing."""
    if total is None or len(names) < 2 or sum(facts[k] for k in names) != total:
        return ""
    return "，其中" + "、".join(f"{k}{as_written(facts[k])}{unit}" for k in names)


def default_paragraphs(cfg: Config, data: TextData) -> dict[str, list[str]]:
    """The text of every slot written from the data, in the style of published reports."""
    y, t, fig = data.year, data.tables, data.tables.figures
    o = cfg.organ
    short = o.short_name
    law = o.legal_basis[0]
    other_basis = "、".join(o.legal_basis[1:])
    parts = "，".join(h.split("、", 1)[1] for _, h in statutory.PARTS)
    cats = _nonzero(data.categories, cfg.categories)
    chans = _nonzero(data.channels, cfg.channels)
    forms = _nonzero(data.interpretations, cfg.interpretation_forms)
    items = fig.get("items_published")
    interp = fig.get("interpretations")
    n_cats = fig.get("categories_published") or len(cats)
    b, c = t.b, t.c
    new, carried_in = _total(b, "new") or 0, _total(b, "carried_in") or 0
    closed, carried_out = _total(b, "results_total") or 0, _total(b, "carried_out") or 0
    d: dict[str, list[str]] = {}

    d["preamble"] = [
        f"本年度报告根据{law}（以下简称《条例》）{'、' + other_basis if other_basis else ''}"
        f"有关要求，由{o.name}编制。全文包括：{parts}。"]
    d["overview.intro"] = [
        f"{y}年，{short}认真贯彻落实{law}，按照上级关于政府信息公开工作的统一部署，明确工作分工"
        "和职责，做好信息发布、依申请公开、平台维护和监督保障等工作，推动政府信息公开工作规范"
        "有序开展。"]

    proactive = []
    if cats:
        listed = "、".join(cats)
        proactive.append(f"{y}年，{short}结合工作职责，围绕{listed}"
                         f"{'' if n_cats == len(cats) else '等'}共{as_written(n_cats)}项内容"
                         "依法主动公开政府信息。")
    if items:
        proactive.append(f"全年新增主动公开政府信息共{as_written(items)}条"
                         f"{_breakdown(items, data.categories, cats, '条')}。")
    elif items == 0:
        proactive.append("本年度未新增主动公开政府信息。")
    if interp and len(forms) == 1 and data.interpretations[forms[0]] == interp:
        proactive.append(f"全年通过{forms[0]}方式进行政策解读{as_written(interp)}次。")
    elif interp:
        proactive.append(f"全年开展政策解读共{as_written(interp)}次"
                         f"{_breakdown(interp, data.interpretations, forms, '次')}。")
    elif interp == 0:
        proactive.append("本年度未开展政策解读。")
    d["overview.proactive"] = ["".join(proactive)] if proactive else [
        f"{short}按照有关规定主动公开政府信息。"]

    channels = "、".join(c for c in cfg.application_channels if c != "其他")
    requests = [f"{short}按照{law}规定的程序和时限办理政府信息公开申请，申请人可通过{channels}"
                "等方式提出申请。"]
    if new == 0 and carried_in == 0:
        requests.append(f"{y}年，{short}未收到政府信息公开申请。")
    else:
        s = f"{y}年，{short}收到政府信息公开申请{as_written(new)}件"
        if carried_in:
            s += f"，上年结转{as_written(carried_in)}件"
        s += f"，本年办结{as_written(closed)}件"
        outcomes = _outcome_phrases(b)
        if outcomes:
            s += "，办理结果为：" + "、".join(outcomes)
        if carried_out:
            s += f"；尚未办结、转入下一年度{as_written(carried_out)}件"
        requests.append(s + "。" + _timeliness(fig, data.overdue_open))
    reviews = _total(c, statutory.REVIEW[0]) or 0
    suits = sum(_total(c, g) or 0 for g, _ in statutory.LITIGATION_GROUPS)
    if reviews == 0 and suits == 0:
        requests.append(f"本年度未发生政府信息公开{statutory.REVIEW[1]}、{statutory.LITIGATION}"
                        "案件。")
    else:
        requests.append(f"本年度发生政府信息公开{statutory.REVIEW[1]}{as_written(reviews)}件、"
                        f"{statutory.LITIGATION}{as_written(suits)}件。")
    d["overview.requests"] = requests

    management = (f"{short}严格落实政府信息发布审核制度，对拟公开的政府信息执行初审、复审、发布"
                  "流程，严防涉密涉敏信息公开，推动政府信息公开工作规范化、专业化。")
    if fig.get("trainings"):
        management += f"全年组织政府信息公开业务培训{as_written(fig['trainings'])}次。"
    if items:
        management += (f"本年度，{short}新增主动公开政府信息{approx(items)}条，"
                       f"收到政府信息公开申请{as_written(new)}件。")
    d["overview.management"] = [management]

    if chans:
        platforms = (f"{short}通过{'、'.join(chans)}{'等' if len(chans) > 1 else ''}渠道公开政府"
                     "信息，及时更新基层政务公开标准化规范化相关栏目，确保公开内容准确、及时。")
    else:
        platforms = (f"{short}依托政府网站和各类公开平台公开政府信息，及时更新基层政务公开标准化"
                     "规范化相关栏目，确保公开内容准确、及时。")
    if fig.get("board_updates"):
        platforms += f"全年更新政务公开栏{as_written(fig['board_updates'])}次。"
    d["overview.platforms"] = [platforms]

    sup = (f"{short}将政府信息公开工作纳入年度目标绩效考核，明确工作责任，严格审核发布内容，"
           "重点监督公开内容的真实性、时效性、合法性。")
    si, screened = fig.get("self_inspections"), fig.get("items_screened")
    if si:
        sup += f"全年开展自查{as_written(si)}次"
        sup += f"，对{approx(screened)}条公开内容进行筛查。" if screened else "。"
    found, fixed = fig.get("problems_found"), fig.get("problems_fixed")
    if found:
        sup += f"发现问题{as_written(found)}条"
        sup += f"，已整改{as_written(fixed)}条。" if fixed is not None else "。"
    elif found == 0:
        sup += "自查中未发现问题。"
    sup += f"设立意见箱和监督电话{o.supervision_phone}，收集群众对政府信息公开工作的意见建议。"
    complaints = fig.get("complaints")
    if complaints == 0:
        sup += f"{y}年度，未接到群众投诉、举报。"
    elif complaints:
        sup += f"全年接到群众投诉、举报{as_written(complaints)}件。"
    d["overview.supervision"] = [sup]

    problems = ["一是政府信息公开工作的规范化、标准化水平有待进一步提高。二是工作人员业务能力"
                "有待加强。三是公开内容的及时性和完整性需要持续改进。"]
    if found:
        problems.append(f"本年度自查发现问题{as_written(found)}条"
                        f"{f'，已整改{as_written(fixed)}条' if fixed is not None else ''}。")
    problems.append(f"针对上述问题，{short}将加强业务培训，规范公开内容和流程，强化监督检查，"
                    "推动政府信息公开工作提质增效。")
    d["problems"] = ["".join(problems)]

    fee = fig.get("fee_charged_yuan")
    if fee is None:
        d["other.fees"] = ["本年度信息处理费收取情况未记录，请核实后填写。"]
    elif fee:
        d["other.fees"] = [f"本年度收取政府信息公开信息处理费{as_written(fee)}元。"]
    else:
        d["other.fees"] = ["本年度未收取政府信息公开信息处理费。"]
    d["other.key_points"] = [
        f"{short}按照上级年度政务公开工作要点要求，主动公开政府信息、重点领域信息和通知公告等"
        "内容，做好政策解读和依申请公开工作，推进基层政务公开标准化规范化建设。"]
    return d
