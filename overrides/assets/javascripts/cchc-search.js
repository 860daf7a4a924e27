// Search page: Pagefind (self-hosted, built from the model) with the gap for "đ" filled on the query side.
// Pagefind folds Vietnamese diacritics (ư→u, ờ→o…) but keeps "đ" apart from "d"; since "đ" only ever starts
// a Vietnamese syllable, each query word starting with "d" is also searched as "đ…" and results are merged.
(async function () {
  "use strict";
  var box = document.getElementById("cchc-search");
  if (!box) return;
  var base = box.getAttribute("data-base") || "./";
  var form = box.querySelector("form");
  var input = form.querySelector("input[name=q]");
  var list = box.querySelector("#cchc-results");
  var status = box.querySelector("#cchc-status");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var bundles = (box.getAttribute("data-bundles") || "").split(" ").filter(Boolean);
  if (!bundles.length) {  // nothing published yet
    status.textContent = "Chưa có bài nào để tìm kiếm.";
    box.setAttribute("data-ready", "");
    return;
  }
  var baseUrl = new URL(base, location.href).pathname;
  var pagefind = await import(new URL(base + bundles[0] + "pagefind.js", location.href).href);
  await pagefind.options({ baseUrl: baseUrl });
  for (var b = 1; b < bundles.length; b++) {  // large sites are indexed in several bundles: search them as one
    await pagefind.mergeIndex(new URL(base + bundles[b], location.href).pathname, { baseUrl: baseUrl });
  }

  var available = await pagefind.filters();
  selects.forEach(function (select) {
    var values = Object.keys(available[select.getAttribute("data-filter")] || {}).sort(function (a, b) {
      return a.localeCompare(b, "vi", { numeric: true });
    });
    if (select.getAttribute("data-filter") === "năm") values.reverse();
    values.forEach(function (value) { select.add(new Option(value, value)); });
  });

  function variants(query) {
    var words = query.split(/\s+/).filter(Boolean);
    var spots = [];
    words.forEach(function (w, i) { if (/^[dD]/.test(w) && spots.length < 4) spots.push(i); });
    var out = [];
    for (var mask = 0; mask < (1 << spots.length); mask++) {
      out.push(words.map(function (w, i) {
        var bit = spots.indexOf(i);
        return bit >= 0 && (mask >> bit) & 1 ? (w[0] === "D" ? "Đ" : "đ") + w.slice(1) : w;
      }).join(" "));
    }
    return out;
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (s) { if (s.value) filters[s.getAttribute("data-filter")] = s.value; });
    return filters;
  }

  function safeExcerpt(html) {  // keep Pagefind's <mark>, escape everything else
    return html.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/&lt;(\/?)mark&gt;/g, "<$1mark>").replace(/&amp;(amp|lt|gt|quot|#39);/g, "&$1;");
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  async function run() {
    var query = input.value.normalize("NFC").trim();
    var filters = chosenFilters();
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
    list.textContent = "";
    if (!query && !Object.keys(filters).length) { status.textContent = ""; return; }
    status.textContent = "Đang tìm…";
    var searches = await Promise.all(variants(query).map(function (q) {
      return pagefind.search(q || null, { filters: filters, sort: q ? undefined : { date: "desc" } });
    }));
    var best = new Map();
    searches.forEach(function (search) {
      search.results.forEach(function (r) {
        if (!best.has(r.id) || best.get(r.id).score < r.score) best.set(r.id, r);
      });
    });
    var ranked = Array.from(best.values()).sort(function (a, b) { return b.score - a.score; }).slice(0, 30);
    var pages = await Promise.all(ranked.map(function (r) { return r.data(); }));
    // Exact accents first: count the query's words found exactly as typed (scores of separately built
    // bundles are not comparable, and an accented query should prefer text with the same accents).
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    function exact(page) {
      var text = (page.meta.title + " " + page.excerpt.replace(/<[^>]+>/g, "")).normalize("NFC").toLowerCase();
      return words.filter(function (w) { return text.indexOf(w) >= 0; }).length;
    }
    pages = pages.map(function (page, i) { return { page: page, exact: exact(page), rank: i }; })
      .sort(function (a, b) { return b.exact - a.exact || a.rank - b.rank; })
      .map(function (x) { return x.page; });
    pages.forEach(function (page) {
      var li = el("li", "cchc-result");
      var h = el("h2", "cchc-result__title");
      var a = el("a", null, page.meta.title);
      a.href = page.url;
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(el("p", "cchc-meta", [page.meta.date, page.meta.unit, page.meta.type].filter(Boolean).join(" · ")));
      if (page.meta.topics) li.appendChild(el("p", "cchc-result__topics", "Chủ đề: " + page.meta.topics));
      var excerpt = el("p", "cchc-result__excerpt");
      excerpt.innerHTML = safeExcerpt(page.excerpt);
      li.appendChild(excerpt);
      list.appendChild(li);
    });
    status.textContent = pages.length
      ? "Tìm thấy " + best.size + " kết quả" + (query ? " cho “" + query + "”" : "") + (best.size > 30 ? ", hiện 30 kết quả đầu." : ".")
      : "Không tìm thấy kết quả" + (query ? " cho “" + query + "”" : "") + ".";
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  box.setAttribute("data-ready", "");
  selects.forEach(function (s) { s.addEventListener("change", run); });
  var initial = new URLSearchParams(location.search);
  input.value = initial.get("q") || "";
  selects.forEach(function (s) { s.value = initial.get(s.getAttribute("data-filter")) || ""; });
  if (Object.keys(chosenFilters()).length) form.querySelector("details").open = true;
  run();
})();
