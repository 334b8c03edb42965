// dlkg serve: progressive enhancement only. Every page works without this file:
// the filters are a GET form, the editor a GET form that the server answers with results.
"use strict";

document.documentElement.classList.replace("no-js", "js");

const W3ID = "https://w3id.org/dlkg/";
const PREFIXES = [
  ["res:", W3ID + "resource/"], ["dlkg:", W3ID + "ontology#"],
  ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"], ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
  ["owl:", "http://www.w3.org/2002/07/owl#"], ["xsd:", "http://www.w3.org/2001/XMLSchema#"],
  ["skos:", "http://www.w3.org/2004/02/skos/core#"], ["prov:", "http://www.w3.org/ns/prov#"],
  ["dcterms:", "http://purl.org/dc/terms/"],
];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function shorten(iri) {
  for (const [prefix, ns] of PREFIXES) if (iri.startsWith(ns)) return prefix + iri.slice(ns.length);
  return iri;
}

// -- facet filters: refresh the table in place --------------------------------------------------
function setupFacets() {
  const form = document.getElementById("facets");
  if (!form) return;
  let generation = 0;

  function url() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value !== "") params.append(key, value);
    return "/?" + params.toString();
  }

  async function refresh() {
    const mine = ++generation;
    const target = url();
    const section = document.getElementById("comparison");
    section.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(target, { headers: { Accept: "text/html" } });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      if (mine !== generation) return;  // a newer click won
      const fresh = doc.getElementById("comparison");
      if (fresh) section.replaceWith(fresh);
      for (const link of document.querySelectorAll(".lang-switch a[data-lang]")) {
        const other = doc.querySelector(`.lang-switch a[data-lang="${link.dataset.lang}"]`);
        if (other) link.setAttribute("href", other.getAttribute("href"));
      }
      history.replaceState(null, "", target);
    } catch (err) {
      form.submit();  // fall back to a plain page load
    } finally {
      const current = document.getElementById("comparison");
      if (current) current.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("change", refresh);
  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
}

// -- SPARQL editor: canned queries and results in place -------------------------------------------
function renderTerm(term) {
  if (!term) return el("span", { class: "unbound" }, "—");
  if (term.type === "uri") {
    const local = term.value.startsWith(W3ID) ? "/" + term.value.slice(W3ID.length) : null;
    const web = /^https?:\/\//.test(term.value);
    if (!local && !web) return el("code", { title: term.value }, shorten(term.value));  // never javascript: links
    const link = el("a", { href: local || term.value, title: term.value }, shorten(term.value));
    if (!local) { link.className = "external"; link.rel = "noopener noreferrer"; }
    return link;
  }
  if (term.type === "literal") {
    const span = el("span", { class: "literal" }, term.value);
    const wrapper = el("span", {}, span);
    if (term["xml:lang"]) { span.lang = term["xml:lang"]; wrapper.append(" ", el("small", { class: "tag" }, "@" + term["xml:lang"])); }
    else if (term.datatype) wrapper.append(" ", el("small", { class: "tag" }, shorten(term.datatype)));
    return wrapper;
  }
  return el("code", {}, "_:" + term.value);
}

// YASGUI (vendored in /static/yasgui/) replaces the plain form when its script loaded: the
// same endpoint, POST (no URL length limit), dlkg's prefixes for the results, no request to
// anywhere else. Without it the form still works, answered by the server.
function setupYasgui(form, results, initial) {
  const host = document.getElementById("yasgui");
  if (!host || !window.Yasgui) return null;
  const Yasgui = window.Yasgui.default || window.Yasgui;
  const endpoint = new URL("/sparql", location.href).href;
  const prefixes = JSON.parse(document.getElementById("prefixes-data").textContent);
  // The "property" and "class" autocompleters ask lov.linkeddata.es: a page that fetches
  // nothing from elsewhere keeps only the local ones.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.value = initial;
  host.hidden = false;  // CodeMirror measures its box when it starts: it must be visible
  const yasgui = new Yasgui(host, {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasr: { prefixes },
  });
  yasgui.getTab().setQuery(initial);
  form.hidden = true;
  if (!results.querySelector(".error")) results.hidden = true;
  return yasgui;
}

function setupEditor() {
  const form = document.getElementById("query-form");
  if (!form) return;
  const textarea = document.getElementById("query-text");
  const results = document.getElementById("results");
  const chosen = document.getElementById("chosen-name");
  const lang = form.querySelector("input[name=lang]").value;
  const canned = JSON.parse(document.getElementById("canned-data").textContent);
  const byName = Object.fromEntries(canned.map((c) => [c.name, c]));

  const yasgui = setupYasgui(form, results, textarea.value);

  document.getElementById("canned-list").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-canned]");
    if (!link || !byName[link.dataset.canned]) return;
    event.preventDefault();
    const query = byName[link.dataset.canned];
    textarea.value = query.text;
    if (yasgui) {
      const tab = yasgui.getTab();
      tab.setName(query.name);
      tab.setQuery(query.text);
    }
    if (chosen) chosen.textContent = query.name;
    for (const other of document.querySelectorAll("#canned-list a")) other.removeAttribute("aria-current");
    link.setAttribute("aria-current", "true");
    results.replaceChildren();
    history.replaceState(null, "", `/editor?canned=${encodeURIComponent(query.name)}&lang=${lang}`);
    textarea.focus();
  });

  function fail(message) {
    results.replaceChildren(el("p", { class: "error", role: "alert" }, message));
  }

  async function run() {
    results.replaceChildren(el("p", { class: "muted" }, "…"));
    results.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9",
                   "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: textarea.value }),
      });
    } catch (err) {
      fail(String(err));
      results.removeAttribute("aria-busy");
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const text = await response.text();
    results.removeAttribute("aria-busy");
    if (!response.ok) { fail(`${response.status}: ${text.trim()}`); return; }
    const heading = el("h2", {}, results.dataset.title + " ");
    if (!type.includes("json")) {
      results.replaceChildren(heading, el("pre", { class: "rdf" }, text));
      return;
    }
    const data = JSON.parse(text);
    if ("boolean" in data) {
      const yes = results.dataset.yes, no = results.dataset.no;
      results.replaceChildren(heading, el("p", { class: "answer pill " + (data.boolean ? "level-supported" : "level-not-supported") },
                                          data.boolean ? yes : no));
      return;
    }
    const vars = data.head.vars;
    const rows = data.results.bindings;
    const count = el("small", { class: "muted", id: "result-count" }, results.dataset.rows.replace("{n}", rows.length));
    heading.append(count);
    const head = el("tr", {}, ...vars.map((v) => el("th", { scope: "col" }, "?" + v)));
    const body = el("tbody", {}, ...rows.map((row) => el("tr", {}, ...vars.map((v) => el("td", {}, renderTerm(row[v]))))));
    const table = el("table", { class: "results-table" }, el("thead", {}, head), body);
    results.replaceChildren(heading, el("div", { class: "table-wrap" }, table));
    const params = new URLSearchParams({ query: textarea.value, lang });
    if (params.toString().length < 6000) history.replaceState(null, "", "/editor?" + params.toString());
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupFacets();
  setupEditor();
});
