"""The pages' own words in Chinese and English (the graph's words come from its labels).

>>> TEXT["zh"]["nav_table"], TEXT["en"]["nav_table"]
('对比表', 'Comparison')
"""

from __future__ import annotations

__all__ = ["TEXT", "LANGUAGES", "pick_language"]

LANGUAGES = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "site": "dlkg 深度学习框架知识图谱",
        "tagline": "《解析卷积神经网络》表14.1与14.2节",
        "nav_table": "对比表",
        "nav_diagram": "关系图",
        "nav_changes": "变化",
        "view": "视图", "bad_request": "请求有误",
        "changes_lead": "从书中的视图（2018年）到当前视图的逐格变化，每一项都列出两边的出处。",
        "change_framework": "框架", "change_column": "列", "change_kind": "变化", "change_from": "原值",
        "change_to": "新值", "change_sources_from": "原出处", "change_sources_to": "新出处",
        "nav_sparql": "SPARQL 查询",
        "nav_ontology": "本体",
        "lead": "表格由知识图谱通过 SPARQL 重建。用下面的筛选条件缩小范围：所选条件须全部满足。",
        "filters": "筛选",
        "interface": "支持接口",
        "platform": "支持平台",
        "language": "开发语言",
        "capability": "能力",
        "level": "支持程度",
        "any_level": "不限",
        "apply": "应用筛选",
        "clear_filters": "清除筛选",
        "matches": "{shown} / {total} 个框架符合条件",
        "no_match": "没有框架同时满足所有条件。",
        "footnotes": "注",
        "profile": "概况",
        "capabilities": "能力",
        "source": "出处",
        "sources": "出处",
        "strengths": "优点",
        "weaknesses": "缺点",
        "concerns": "涉及",
        "links": "链接",
        "model_zoo": "预训练模型库",
        "derived_from": "来源",
        "identifier": "IRI",
        "data_formats": "数据",
        "source_note": "读法说明",
        "condition": "条件",
        "printed": "表中印作",
        "footnote": "脚注",
        "back_to_table": "返回对比表",
        "other_frameworks": "其他框架",
        "editor_lead": "在知识图谱上运行 SPARQL 查询。选一个预设查询，或自己写一个，然后点击“运行”。",
        "canned": "预设查询",
        "query": "查询",
        "run": "运行",
        "results": "结果",
        "rows": "{n} 行",
        "yes": "是",
        "no": "否",
        "endpoint": "SPARQL 1.1 协议端点",
        "endpoint_note": "只读；查询有时间限制和行数上限。",
        "diagram_lead": "各框架的开发语言（左）、支持平台与所支持的能力（右）。每条线的颜色即其框架的颜色。",
        "classes_lead": "本体的类与属性。",
        "diagram_missing": "关系图需要 Graphviz 的 dot 程序（Debian 软件包 graphviz）。安装后重启 dlkg serve。",
        "as_svg": "SVG",
        "as_png": "PNG",
        "full_docs": "完整的本体文档",
        "resource": "资源",
        "says": "陈述",
        "pointed_at_by": "被引用",
        "ontology_lead": "dlkg 本体的术语。每个术语的 IRI 即本页加上术语名作为片段。",
        "error": "出错了",
        "not_found": "找不到该页面。",
        "noscript": "页面无需 JavaScript 即可阅读；启用脚本后筛选会即时生效。",
        "footer": "数据来自《解析卷积神经网络》（魏秀参）表14.1与14.2节，截至2018年。",
        "download": "下载",
        "none_listed": "14.2节未列出。",
        "not_discussed": "14.2节没有单独介绍 {name}，因此没有优缺点条目。",
    },
    "en": {
        "site": "dlkg: deep-learning framework knowledge graph",
        "tagline": "Table 14.1 and section 14.2 of 《解析卷积神经网络》",
        "nav_table": "Comparison",
        "nav_diagram": "Diagram",
        "nav_changes": "Changes",
        "view": "View", "bad_request": "Bad request",
        "changes_lead": "What changed, cell by cell, from the book's view (2018) to the current view, each with "
                        "its sources on both sides.",
        "change_framework": "Framework", "change_column": "Column", "change_kind": "Change", "change_from": "From",
        "change_to": "To", "change_sources_from": "Sources (from)", "change_sources_to": "Sources (to)",
        "nav_sparql": "SPARQL",
        "nav_ontology": "Ontology",
        "lead": "The table is rebuilt from the knowledge graph by SPARQL. Narrow it with the filters below: "
                "every selected value must hold.",
        "filters": "Filters",
        "interface": "Interface",
        "platform": "Platform",
        "language": "Implementation language",
        "capability": "Capability",
        "level": "Support level",
        "any_level": "any",
        "apply": "Apply filters",
        "clear_filters": "Clear filters",
        "matches": "{shown} of {total} frameworks match",
        "no_match": "No framework meets every condition.",
        "footnotes": "Notes",
        "profile": "Profile",
        "capabilities": "Capabilities",
        "source": "Source",
        "sources": "Sources",
        "strengths": "Strengths",
        "weaknesses": "Weaknesses",
        "concerns": "about",
        "links": "Links",
        "model_zoo": "Model zoo",
        "derived_from": "Derived from",
        "identifier": "IRI",
        "data_formats": "Data",
        "source_note": "How it was read",
        "condition": "Condition",
        "printed": "Printed in the table as",
        "footnote": "Footnote",
        "back_to_table": "Back to the table",
        "other_frameworks": "Other frameworks",
        "editor_lead": "Run SPARQL queries on the knowledge graph. Pick a canned query or write your own, then "
                       "press Run.",
        "canned": "Canned queries",
        "query": "Query",
        "run": "Run",
        "results": "Results",
        "rows": "{n} rows",
        "yes": "yes",
        "no": "no",
        "endpoint": "SPARQL 1.1 Protocol endpoint",
        "endpoint_note": "Read-only; queries run under a time limit and a row cap.",
        "diagram_lead": "Each framework's implementation languages (left), the platforms it runs on and the "
                        "capabilities it supports (right). A line has its framework's colour.",
        "classes_lead": "The ontology's classes and properties.",
        "diagram_missing": "The diagram needs Graphviz's dot program (Debian package graphviz). Install it and "
                           "restart dlkg serve.",
        "as_svg": "SVG",
        "as_png": "PNG",
        "full_docs": "Full ontology documentation",
        "resource": "Resource",
        "says": "Statements",
        "pointed_at_by": "Referenced by",
        "ontology_lead": "The terms of the dlkg ontology. Each term's IRI is this page's with the term's name as "
                         "the fragment.",
        "error": "Something went wrong",
        "not_found": "No such page.",
        "noscript": "The page reads without JavaScript; with scripts on, filters apply at once.",
        "footer": "Data from Table 14.1 and section 14.2 of 《解析卷积神经网络》 (Wei Xiu-Shen), as of 2018.",
        "download": "Download",
        "none_listed": "None listed in section 14.2.",
        "not_discussed": "Section 14.2 does not discuss {name} on its own, so there are no strengths or weaknesses for it.",
    },
}


# -- dlkg ask: the question box on the home page and the /ask page --------------------------
TEXT["zh"].update({
    "ask_label": "用中文或英文提问", "ask_button": "提问", "ask_title": "提问",
    "ask_placeholder": "哪些框架支持Python接口并且能在Android上运行？",
    "ask_reading": "理解为", "ask_sparql": "运行的 SPARQL", "ask_sources": "来源",
    "ask_not_understood": "没有读懂这个问题", "ask_try": "可以这样问：",
})
TEXT["en"].update({
    "ask_label": "Ask in English or Chinese", "ask_button": "Ask", "ask_title": "Ask",
    "ask_placeholder": "Which frameworks have a Python interface and run on Android?",
    "ask_reading": "Reading", "ask_sparql": "The SPARQL that ran", "ask_sources": "Sources",
    "ask_not_understood": "The question was not understood", "ask_try": "Questions it can answer:",
})


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """``zh`` or ``en``: the ``lang`` parameter when valid, else the first of the browser's
    languages that is one of them, else ``zh`` (the source's language).

    >>> pick_language(None, "en-US,en;q=0.9"), pick_language("zh", "en"), pick_language(None, "fr")
    ('en', 'zh', 'zh')
    """
    if requested in LANGUAGES:
        return requested
    ranked = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, len(ranked), primary))
    return sorted(ranked)[0][2] if ranked else "zh"
