// The search page: queries the index written by src/cchc/search_index.py (read its docstring first).
// A query fetches the few shards holding its terms (while it is typed); results are ranked here (BM25 weights of
// syllables, syllable pairs and exact accents), and each shown result fetches its own small file for the excerpt.
(function () {
  "use strict";
  var box = document.getElementById("cchc-search");
  if (!box) return;
  var form = box.querySelector("form");
  var input = form.querySelector("input[name=q]");
  var list = box.querySelector("#cchc-results");
  var status = box.querySelector("#cchc-status");
  var more = box.querySelector("#cchc-more");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var index = new URL(box.getAttribute("data-index"), location.href).href;
  var version = box.getAttribute("data-version");
  var shardCount = parseInt(box.getAttribute("data-shards"), 10) || 1;
  var docCount = parseInt(box.getAttribute("data-docs"), 10) || 0;
  var PAIR = 2, ACCENT = 1, PAGE = 10, EXCERPT_WORDS = 32;
  var BREAK = /[.,;:!?()[\]{}"“”‘’…|\\\n–—]+|\s-\s/;

  // -- the same text rules as search_index.py ------------------------------------------------------
  function fold(word) {
    return word.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/\p{Mn}/gu, "");
  }
  function segments(text) {
    return text.normalize("NFC").toLowerCase().split(BREAK).map(function (segment) {
      var words = [];
      (segment.match(/[\p{L}\p{N}]+/gu) || []).forEach(function (word) {
        var parts = fold(word).match(/[a-z0-9]+/g) || [];
        if (parts.length === 1) words.push([parts[0], word]);
        else parts.forEach(function (p) { words.push([p, p]); });
      });
      return words;
    }).filter(function (words) { return words.length; });
  }
  function shardKey(term) {  // as shard_key() in Python: a term's last syllable, folded
    if (term.charAt(0) === "=") return fold(term.slice(1));
    return term.slice(term.lastIndexOf(" ") + 1);
  }
  function shardOf(term) {  // FNV-1a over UTF-8 of its shard key, as shard_of() in Python
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(shardKey(term));
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h % shardCount;
  }

  // -- index files: gzip JSON, decompressed here (so no server setting matters) ---------------------
  var files = new Map();
  function load(path) {
    if (!files.has(path)) {
      files.set(path, fetch(index + path + "?v=" + version).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + path);
        return response.arrayBuffer();
      }).then(function (buffer) {
        var bytes = new Uint8Array(buffer);
        if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);  // a server unzipped it
        return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
      }).then(JSON.parse).catch(function (error) { files.delete(path); throw error; }));
    }
    return files.get(path);
  }
  function postings(term) {  // Map doc -> weight
    return load("s/" + shardOf(term) + ".dat").then(function (shard) {
      var packed = shard[term], found = new Map();
      if (!packed) return found;
      var half = packed.length / 2, doc = 0;
      for (var i = 0; i < half; i++) { doc += packed[i]; found.set(doc, packed[half + i]); }
      return found;
    });
  }
  function doc(n) { return load("d/" + n + ".dat"); }
  var vocabulary = null, wordList = null;
  function words() {
    if (!vocabulary) {
      vocabulary = load("tu-vung.dat").then(function (v) {
        var df = new Map();
        v[0].forEach(function (t, i) { df.set(t, v[1][i]); });
        wordList = { terms: v[0], df: df };
        return wordList;
      });
    }
    return vocabulary;
  }

  // -- spelling: a word the index does not have becomes the closest words it has ------------------------
  function withinOneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1 || a === b) return a === b;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (a.length < b.length) j++;
      else if (a[i + 1] === b[j] && a[i] === b[j + 1]) { i += 2; j += 2; }  // swapped letters
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }
  function alternatives(word, isLast) {
    return words().then(function (v) {
      var found = [];
      if (isLast) v.terms.forEach(function (t) { if (found.length < 4 && t.length > word.length && t.indexOf(word) === 0) found.push(t); });
      if (!found.length && word.length >= 3 && !/^\d+$/.test(word)) {
        v.terms.forEach(function (t) { if (found.length < 3 && withinOneEdit(word, t)) found.push(t); });
      }
      return found;
    });
  }

  // -- ranking ---------------------------------------------------------------------------------------
  function parse(query) {
    var segs = segments(query), singles = [], pairs = [], accents = [], near = new Map();
    var accented = /[^\x00-\x7f]/.test(query);
    segs.forEach(function (seg) {
      seg.forEach(function (w, i) {
        if (singles.indexOf(w[0]) < 0) singles.push(w[0]);
        if (accented && w[1] !== w[0]) accents.push("=" + w[1]);
        if (i) pairs.push(seg[i - 1][0] + " " + w[0]);
        near.set(w[0], (near.get(w[0]) || []).concat(seg.slice(Math.max(0, i - 1), i).map(function (x) { return x[0]; }),
          seg.slice(i + 1, i + 2).map(function (x) { return x[0]; })));
      });
    });
    return { singles: singles, pairs: pairs, accents: accents, near: near };
  }

  // A replacement for a word the index lacks is taken when it is likely: its neighbours in the query are unknown
  // too, or the index has it beside one of them, or it is not one of the words most items have ("duong day nong"
  // does not become "duong day cong", a word in every other item).
  async function plausible(options, near) {
    var v = await words();
    var known = near.filter(function (n) { return v.df.has(n); });
    if (!known.length) return options;
    var ok = await Promise.all(options.map(async function (o) {
      if ((v.df.get(o) || 0) < 0.05 * docCount) return true;
      var pairs = await Promise.all(known.map(function (n) {
        return Promise.all([postings(n + " " + o), postings(o + " " + n)]);
      }));
      return pairs.some(function (two) { return two[0].size || two[1].size; });
    }));
    return options.filter(function (o, k) { return ok[k]; });
  }

  async function rank(query, filters, typing) {
    var q = parse(query);
    var notes = [];
    if (!q.singles.some(function (w) { return w.length >= 2 || /\d/.test(w); })) return { ids: [], notes: ["short"] };
    // Every file the query needs is requested at once: one round trip, not one per kind of term.
    var pairLists = Promise.all(q.pairs.map(postings)), accentLists = Promise.all(q.accents.map(postings));
    var lists = await Promise.all(q.singles.map(postings));
    var typed = new Set();  // items with a word as the reader typed it
    lists.forEach(function (found) { found.forEach(function (w, d) { typed.add(d); }); });
    // A word the index does not have: the word being typed may be unfinished, others may be misspelt.
    for (var i = 0; i < lists.length; i++) {
      if (lists[i].size) continue;
      var options = await alternatives(q.singles[i], typing && i === lists.length - 1);
      options = options.length ? await plausible(options, q.near.get(q.singles[i]) || []) : options;
      if (!options.length) continue;
      var merged = new Map();
      (await Promise.all(options.map(postings))).forEach(function (found) {
        found.forEach(function (w, d) { merged.set(d, Math.max(merged.get(d) || 0, w)); });
      });
      lists[i] = merged;
      if (!(typing && i === lists.length - 1)) notes.push([q.singles[i], options[0]]);
    }
    var scores = new Map(), matched = new Map();
    lists.forEach(function (found) {
      found.forEach(function (w, d) {
        scores.set(d, (scores.get(d) || 0) + w);
        matched.set(d, (matched.get(d) || 0) + 1);
      });
    });
    var phrased = new Map();  // how many of the query's adjacent pairs an item has side by side
    (await pairLists).forEach(function (found) {
      found.forEach(function (w, d) {
        if (!scores.has(d)) return;
        scores.set(d, scores.get(d) + PAIR * w);
        phrased.set(d, (phrased.get(d) || 0) + 1);
      });
    });
    (await accentLists).forEach(function (found) {
      found.forEach(function (w, d) { if (scores.has(d)) scores.set(d, scores.get(d) + ACCENT * w); });
    });
    var need = lists.length, ids = [];
    matched.forEach(function (n, d) { if (n === need) ids.push(d); });
    if (!ids.length && need > 1) {  // no item has every word: the items with most of them, as a phrase of the query
      need = Math.max(Math.ceil(lists.length / 2), Math.max.apply(null, Array.from(matched.values()).concat([0])));
      matched.forEach(function (n, d) { if (n >= need && (!q.pairs.length || phrased.get(d))) ids.push(d); });
      if (ids.length) notes.push(["partial"]);
    }
    if (lists.length > 1) ids = ids.filter(function (d) { return typed.has(d); });  // not on replacements alone
    if (filters) ids = ids.filter(function (d) { return filters.has(d); });
    // Every word first, then the query's words as its phrases ("sổ đỏ" side by side, not "số … đó"), then weight.
    ids.sort(function (a, b) {
      return (matched.get(b) - matched.get(a)) || ((phrased.get(b) || 0) - (phrased.get(a) || 0)) ||
        (scores.get(b) - scores.get(a)) || a - b;
    });
    return { ids: ids, notes: notes };
  }

  async function chosen() {  // Set of docs allowed by the chosen filters, or null
    var picked = selects.filter(function (s) { return s.value; });
    if (!picked.length) return null;
    var all = await load("loc.dat"), allowed = null;
    picked.forEach(function (s) {
      var packed = (all[s.getAttribute("data-filter")] || {})[s.value] || [], set = new Set(), d = 0;
      packed.forEach(function (delta) { d += delta; set.add(d); });
      allowed = allowed ? new Set(Array.from(allowed).filter(function (x) { return set.has(x); })) : set;
    });
    return allowed;
  }

  // -- showing results: built as DOM nodes, text only (no HTML from the index is ever parsed) --------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function excerpt(text, wanted) {
    var tokens = text.split(/(\s+)/), hits = [];
    for (var i = 0; i < tokens.length; i += 2) {
      var f = (fold(tokens[i]).match(/[a-z0-9]+/g) || []).join(" ");
      hits.push(f && wanted.has(f) ? 1 : 0);
    }
    var best = 0, bestAt = 0, run = 0;
    for (var j = 0; j < hits.length; j++) {
      run += hits[j] - (j >= EXCERPT_WORDS ? hits[j - EXCERPT_WORDS] : 0);
      if (run > best) { best = run; bestAt = Math.max(0, j - EXCERPT_WORDS + 1); }
    }
    var firstHit = bestAt;
    while (firstHit < hits.length - 1 && !hits[firstHit]) firstHit++;
    var start = best ? Math.max(0, firstHit - 8) : 0, p = el("p", "cchc-result__excerpt");
    if (start > 0) p.appendChild(document.createTextNode("… "));
    for (var k = start; k < Math.min(hits.length, start + EXCERPT_WORDS); k++) {
      if (hits[k]) {  // mark the word, not the punctuation around it
        var parts = tokens[2 * k].match(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u);
        p.appendChild(document.createTextNode(parts[1]));
        p.appendChild(el("mark", null, parts[2]));
        p.appendChild(document.createTextNode(parts[3]));
      } else p.appendChild(document.createTextNode(tokens[2 * k]));
      p.appendChild(document.createTextNode(" "));
    }
    if (start + EXCERPT_WORDS < hits.length) p.appendChild(document.createTextNode("…"));
    return p;
  }
  function render(d, wanted) {
    var li = el("li", "cchc-result"), h = el("h2", "cchc-result__title"), a = el("a", null, d.t);
    a.href = new URL(d.u, new URL("../..", index)).pathname;
    h.appendChild(a);
    li.appendChild(h);
    li.appendChild(el("p", "cchc-meta", [d.d, d.n].concat(d.m).filter(Boolean).join(" · ")));
    if (d.p.length) li.appendChild(el("p", "cchc-result__topics", "Chủ đề: " + d.p.join("; ")));
    li.appendChild(wanted.size ? excerpt(d.x || d.s, wanted) : el("p", "cchc-result__excerpt", d.s || d.x.slice(0, 240) + "…"));
    return li;
  }

  var current = 0, shown = [], shownFor = "", wantedWords = new Set();
  async function showMore(run) {
    var pending = shown.slice(list.children.length, list.children.length + PAGE).map(doc);  // all requested at once
    for (var i = 0; i < pending.length; i++) {  // shown in rank order, each as soon as it and those above it arrive
      var d = await pending[i];
      if (run !== current) return;
      list.appendChild(render(d, wantedWords));
      if (!i) box.setAttribute("data-shown", shownFor);  // for tests and benchmarks: which query the list shows
    }
    more.hidden = list.children.length >= shown.length;
  }

  var topics = box.querySelector("#cchc-topics"), help = box.querySelector("#cchc-help");
  function related(query, none) {  // topics whose names or aliases hold the query's words; the hotline when nothing
    var wanted = segments(query).reduce(function (all, s) { return all.concat(s.map(function (w) { return w[0]; })); }, []);
    var phrase = " " + wanted.join(" ") + " ";
    var count = 0;
    Array.prototype.forEach.call(topics ? topics.querySelectorAll("li") : [], function (li) {
      var words = " " + li.getAttribute("data-words") + " ";
      var hit = wanted.length > 0 && (words.indexOf(phrase) >= 0 || (wanted.length > 1 && phrase.trim() &&
        wanted.every(function (w) { return words.indexOf(" " + w + " ") >= 0; })));
      li.hidden = !hit;
      count += hit ? 1 : 0;
    });
    if (topics) topics.hidden = !count;
    if (help) help.hidden = !none;
  }

  async function run(typing, asked) {
    var mine = ++current;
    var query = input.value.normalize("NFC").trim().slice(0, 200);
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    selects.forEach(function (s) { if (s.value) params.set(s.getAttribute("data-filter"), s.value); });
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
    if (!query && !params.toString()) { list.textContent = ""; status.textContent = ""; more.hidden = true; related("", false); return; }
    status.textContent = "Đang tìm…";
    try {
      var filters = await chosen();
      var found = query ? await rank(query, filters, typing)
        : { ids: Array.from(filters).sort(function (a, b) { return a - b; }), notes: [] };
      if (mine !== current) return;
      shown = found.ids;
      shownFor = query;
      wantedWords = new Set();
      var q = parse(query);
      q.singles.concat(found.notes.filter(function (n) { return n.length === 2; }).map(function (n) { return n[1]; }))
        .forEach(function (w) { wantedWords.add(w); });
      list.textContent = "";
      await showMore(mine);
      if (mine !== current) return;
      box.setAttribute("data-results", String(shown.length));
      if (!shown.length) box.setAttribute("data-shown", shownFor);
      var said = query ? " cho “" + query + "”" : "";
      if (found.notes[0] && found.notes[0][0] === "short") status.textContent = "Hãy gõ từ cần tìm (ít nhất 2 chữ cái).";
      else if (!shown.length) status.textContent = "Không tìm thấy kết quả" + said + ".";
      else {
        status.textContent = "Tìm thấy " + shown.length + " kết quả" + said + "." + found.notes.map(function (n) {
          return n[0] === "partial" ? " Không bài nào có đủ các từ: hiện các bài có nhiều từ nhất."
            : " Không có từ “" + n[0] + "”, đã tìm “" + n[1] + "”.";
        }).join("");
      }
      related(query, !shown.length);
      if (asked) status.focus();  // after Enter: the next Tab reaches the first result
    } catch (error) {
      if (mine === current) status.textContent = "Chưa tìm được: mạng chậm hoặc mất kết nối. Hãy thử lại.";
    }
  }

  // -- while a query is typed: the files of its words before they are asked for --------------------------
  // A word's shard holds its pairs and accented forms too, so the word being typed needs one file. Once the word
  // list is here, the word is guessed from its first letters (the most frequent word so starting), its file
  // fetched, and when it arrives the guessed query is ranked and its first results' files fetched: on a slow link
  // the reader's last keystroke then finds both round trips done or under way.
  var guessed = "";
  function ahead(text) {
    var q = parse(text), ends = !/[\p{L}\p{N}]$/u.test(text);
    var last = q.singles.length && !ends ? q.singles[q.singles.length - 1] : "";
    q.singles.forEach(function (w) { if (w !== last) postings(w).catch(function () {}); });
    if (!last) return;
    var v = wordList;
    if (!v) { postings(last).catch(function () {}); return; }  // no list yet: the word as it stands
    if (v.df.has(last)) postings(last).catch(function () {});  // a whole word already: it may be the last one
    var guess = "";  // the most frequent word so starting (the list runs from the most frequent)
    for (var i = 0; i < v.terms.length && !guess; i++) if (v.terms[i].indexOf(last) === 0) guess = v.terms[i];
    if (!guess) return;
    var query = text.replace(/[\p{L}\p{N}]+$/u, guess);
    if (query === guessed) return;
    guessed = query;
    postings(guess).then(function () {
      if (query !== guessed) return;  // the reader typed on: another guess
      return rank(query, null, false).then(function (found) {
        found.ids.slice(0, 3).forEach(function (id) { doc(id).catch(function () {}); });
      });
    }).catch(function () {});
  }

  var timer = null;
  input.addEventListener("input", function () {  // results as one types, after a short pause
    clearTimeout(timer);
    ahead(input.value.slice(0, 200));
    timer = setTimeout(function () { run(true); }, 250);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(false, true); });
  selects.forEach(function (s) { s.addEventListener("change", function () { run(false); }); });
  more.addEventListener("click", function () { showMore(current); });
  var initial = new URLSearchParams(location.search);
  input.value = initial.get("q") || "";
  selects.forEach(function (s) { s.value = initial.get(s.getAttribute("data-filter")) || ""; });
  if (selects.some(function (s) { return s.value; })) form.querySelector("details").open = true;
  if (!docCount) status.textContent = "Chưa có bài nào để tìm kiếm.";
  else if (input.value || initial.toString()) run(false);
  window.cchcSearch = {  // for tests and benchmarks: the ranked URLs of a query
    rank: async function (query, n) {
      var found = await rank(query.normalize("NFC"), null, false);
      return Promise.all(found.ids.slice(0, n || 10).map(function (id) { return doc(id).then(function (d) { return d.u; }); }));
    }
  };
  box.setAttribute("data-ready", "");
  words();  // the word list (for unfinished or misspelt words, and guesses) arrives while the reader types
})();
