/* Chuyên mục CCHC: our additions to Decap CMS (the editing room at /quan-tri/).
   - the preview pane renders an item as its published page does (same markup and stylesheets);
   - a save is refused, with the validator's words, where a rule spans fields the editor checks one by one. */
(function () {
  "use strict";
  var CMS = window.CMS, h = window.h, createClass = window.createClass;
  var me = document.currentScript;
  var site = new URL("../", location.href);  // the site's root, also under a sub-path of the portal

  JSON.parse(me.getAttribute("data-styles") || "[]").forEach(function (href) {
    CMS.registerPreviewStyle(new URL(href, site).href);
  });

  // Decap's Vietnamese lacks these phrases (its English shows through in tooltips and buttons): ours, merged in.
  var PHRASES = {
    auth: { loginWithAzure: "Đăng nhập bằng Azure", loginWithForgejo: "Đăng nhập bằng Forgejo" },
    collection: {
      collectionTop: { viewAsList: "Xem dạng danh sách", viewAsGrid: "Xem dạng lưới", groupBy: "Nhóm theo" },
      entries: { unpublishedHeader: "Mục chưa công bố" },
      groups: { other: "Khác", negateLabel: "Không phải %{label}" }
    },
    editor: {
      editorControl: { field: { widgetLabel: "ô %{widgetLabel}" } },
      editorControlPane: { i18n: { writingInLocale: "Đang viết bằng %{locale}", copyFromLocale: "Điền từ ngôn ngữ khác",
        copyFromLocaleConfirm: "Điền dữ liệu từ %{locale}?\nMọi nội dung đang có sẽ bị thay thế." } },
      editorInterface: { toggleI18n: "Bật, tắt đa ngôn ngữ", togglePreview: "Hiện, ẩn bản xem trước",
        toggleScrollSync: "Cuộn đồng thời", toggleNotes: "Hiện, ẩn ghi chú" },
      editorNotesPane: { title: "Ghi chú", emptyState: "Chưa có ghi chú. Thêm ghi chú đầu tiên ở dưới.",
        addNote: "Thêm ghi chú", addPlaceholder: "Thêm ghi chú...", editPlaceholder: "Sửa ghi chú...", save: "Lưu",
        cancel: "Hủy", edit: "Sửa", "delete": "Xóa", resolve: "Đã xong", unresolve: "Mở lại",
        confirmDelete: "Xóa ghi chú này?", shortcut: "Mẹo: bấm Ctrl+Enter để thêm ghi chú nhanh" },
      editorToolbar: {
        statusInfoTooltipDraft: "Mục đang là bản nháp. Để gửi duyệt, chuyển trạng thái sang \u201cChờ duyệt\u201d.",
        statusInfoTooltipInReview: "Mục đang chờ duyệt, không cần làm gì thêm; vẫn có thể sửa trong lúc chờ."
      },
      editorWidgets: {
        markdown: { bold: "Đậm", italic: "Nghiêng", strikethrough: "Gạch ngang", code: "Mã", link: "Liên kết",
          linkPrompt: "Nhập địa chỉ của liên kết", headings: "Tiêu đề mục", quote: "Trích dẫn",
          bulletedList: "Danh sách gạch đầu dòng", numberedList: "Danh sách đánh số", addComponent: "Thêm thành phần",
          toggleMode: { rich: "Chuyển sang chế độ soạn thảo", markdown: "Chuyển sang chế độ Markdown" } },
        image: { chooseMultiple: "Chọn ảnh", chooseUrl: "Chèn từ địa chỉ", replaceUrl: "Thay bằng địa chỉ",
          promptUrl: "Nhập địa chỉ của ảnh", addMore: "Thêm ảnh", removeAll: "Bỏ tất cả ảnh" },
        file: { chooseUrl: "Chèn từ địa chỉ", chooseMultiple: "Chọn tệp", replaceUrl: "Thay bằng địa chỉ",
          promptUrl: "Nhập địa chỉ của tệp", addMore: "Thêm tệp", removeAll: "Bỏ tất cả tệp" },
        datetime: { setToNow: "Đặt %{fieldLabel} là bây giờ" },
        list: { add: "Thêm %{item}", addType: "Thêm %{item}" },
        object: { expand: "Mở rộng", collapse: "Thu gọn" }
      }
    },
    mediaLibrary: {
      mediaLibraryCard: { copy: "Sao chép", copyUrl: "Sao chép địa chỉ", copyPath: "Sao chép đường dẫn",
        copyName: "Sao chép tên", copied: "Đã sao chép" },
      mediaLibraryModal: { close: "Đóng" }
    },
    ui: {
      settingsDropdown: { account: "Tùy chọn tài khoản" },
      toast: { noteAdded: "Đã thêm ghi chú", onFailToAddNote: "Không thêm được ghi chú: %{details}",
        noteUpdated: "Đã sửa ghi chú", onFailToUpdateNote: "Không sửa được ghi chú: %{details}",
        noteDeleted: "Đã xóa ghi chú", onFailToDeleteNote: "Không xóa được ghi chú: %{details}",
        noteResolved: "Ghi chú đã xong", noteReopened: "Đã mở lại ghi chú",
        onFailToToggleNote: "Không đổi được trạng thái ghi chú: %{details}" }
    }
  };
  function merged(base, extra) {  // base's own phrases win: ours only fill what is missing
    var out = Object.assign({}, extra);
    Object.keys(base || {}).forEach(function (key) {
      var b = base[key], e = extra[key];
      out[key] = b && e && typeof b === "object" && typeof e === "object" ? merged(b, e) : b;
    });
    return out;
  }
  CMS.registerLocale("vi", merged(CMS.getLocale("vi"), PHRASES));

  function field(fields, name) {
    return fields.find(function (f) { return f.get("name") === name; });
  }

  function label(fields, name, value) {  // the Vietnamese name of a code, from the field's own choices
    var options = field(fields, name) && field(fields, name).get("options");
    var found = options && options.find(function (o) { return o.get && o.get("value") === value; });
    return found ? found.get("label") : value;
  }

  function fileUrl(props, name) {  // an upload not yet saved is a blob: URL; a saved one is under the site
    var value = props.entry.getIn(["data", name]);
    if (!value) return "";
    var asset = props.getAsset(value, field(props.fields, name));
    var url = asset ? String(asset) : "";
    return url.indexOf("blob:") === 0 ? url : new URL(value, site).href;  // fields hold docs/-relative paths
  }

  function typeName(props) {  // a collection of one type hides the field: its own name says it
    var type = props.entry.getIn(["data", "type"]) || "tin", filter = props.collection.get("filter");
    if (filter && filter.get("value") === type) {
      var name = props.collection.get("label_singular");
      return name.charAt(0).toUpperCase() + name.slice(1);
    }
    return label(props.fields, "type", type);
  }

  var ItemPreview = createClass({
    render: function () {
      var p = this.props, data = p.entry.get("data"), fields = p.fields;
      var get = function (key) { return data.get(key); };
      var topics = (get("topics") || []);
      topics = topics.toArray ? topics.toArray() : [].concat(topics);
      var meta = [get("date"), label(fields, "unit", get("unit")), typeName(p),
                  label(fields, "channel", get("channel") || "cong-thong-tin"), get("author")].filter(Boolean);
      var doc = get("document");
      return h("div", { className: "md-content", "data-md-component": "content" },
        h("article", { className: "md-content__inner md-typeset" },
          get("draft") ? h("p", { className: "cchc-draft", role: "note" }, h("strong", {}, "BẢN NHÁP"),
                           " — bài này chưa được xuất bản; chỉ hiện khi xem thử.") : null,
          h("header", { className: "cchc-item__head" },
            h("h1", {}, get("title") || "(chưa có tiêu đề)"),
            h("p", { className: "cchc-meta" }, meta.join(" · "))),
          get("summary") ? h("p", { className: "cchc-lead" }, get("summary")) : null,
          get("image") ? h("figure", { className: "cchc-figure" },
                           h("img", { src: fileUrl(p, "image"), alt: get("image_alt") || "" })) : null,
          get("audio") ? h("figure", { className: "cchc-audio" }, h("figcaption", {}, "Nghe bài phát thanh"),
                           h("audio", { controls: true, preload: "none", src: fileUrl(p, "audio") })) : null,
          doc ? h("aside", { className: "cchc-document", "aria-label": "Thông tin văn bản" },
                  h("dl", {},
                    h("dt", {}, "Số, ký hiệu"), h("dd", {}, doc.get("number")),
                    h("dt", {}, "Cơ quan ban hành"), h("dd", {}, doc.get("issuer")),
                    h("dt", {}, "Ngày ban hành"), h("dd", {}, doc.get("issued")),
                    h("dt", {}, "Ngày hiệu lực"), h("dd", {}, doc.get("effective") || "Theo quy định tại văn bản"))) : null,
          h("div", { className: "cchc-body" }, p.widgetFor("body")),
          topics.length ? h("footer", { className: "cchc-item__foot" },
            h("p", { className: "cchc-topics" }, h("span", {}, "Chủ đề: "),
              topics.map(function (t) { return h("span", { key: t, className: "cchc-chip" }, label(fields, "topics", t)); })))
            : null));
    }
  });
  ["tin-bai", "van-ban", "hoi-dap"].forEach(function (name) { CMS.registerPreviewTemplate(name, ItemPreview); });

  // Decap's Markdown editor is a contenteditable box with no name: give it its field's label, so a screen
  // reader says "Nội dung" (axe: aria-input-field-name).
  // A field required only with another (the image's description) is not "optional": Decap's label says so.
  var WHEN = { "Mô tả ảnh": "bắt buộc khi có ảnh" };
  new MutationObserver(function () {
    document.querySelectorAll("label").forEach(function (label) {
      var name = Object.keys(WHEN).find(function (n) { return label.textContent.indexOf(n) === 0; });
      if (!name) return;
      var walk = document.createTreeWalker(label, NodeFilter.SHOW_TEXT), node;
      while ((node = walk.nextNode())) {  // the text node React owns keeps its identity: only its value changes
        if (/không bắt buộc/.test(node.nodeValue)) node.nodeValue = node.nodeValue.replace(/không bắt buộc/, WHEN[name]);
      }
    });
    document.querySelectorAll("iframe#preview-pane:not([title])").forEach(function (frame) {
      frame.setAttribute("title", "Xem trước bài như trang sẽ đăng");  // axe: frame-title
    });
    document.querySelectorAll("[contenteditable=true][role=textbox]:not([aria-label])").forEach(function (box) {
      for (var up = box.parentElement; up; up = up.parentElement) {
        var found = up.querySelector("label");
        if (found) { box.setAttribute("aria-label", found.textContent.trim()); return; }
      }
    });
  }).observe(document.body, { childList: true, subtree: true });

  // Pasting text with a picture (from Word or a web page) makes Decap's rich-text editor crash — its own bug: an
  // image node without data — and the unsaved item is lost. The picture is left out before Decap sees it, and the
  // text says so where it was, so the writer adds it properly (uploaded under docs/anh/, with a description).
  var PICTURE_LEFT_OUT = "[ảnh trong phần dán đã được bỏ: thêm ảnh bằng nút + › Hình ảnh, nhớ ghi mô tả ảnh]";
  window.addEventListener("paste", function (event) {
    var data = event.clipboardData, html = data ? data.getData("text/html") : "";
    var box = event.target && event.target.closest ? event.target.closest("[data-slate-editor]") : null;
    if (!box || !/<(img|picture)\b|imagedata/i.test(html)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("picture, img").forEach(function (picture) {
      if (!picture.isConnected) return;  // an <img> inside a <picture> already replaced
      var note = doc.createElement("span");
      note.textContent = " " + PICTURE_LEFT_OUT + " ";
      picture.replaceWith(note);
    });
    var cleaned = new DataTransfer();
    cleaned.setData("text/html", doc.body.innerHTML);
    cleaned.setData("text/plain", data.getData("text/plain"));
    box.dispatchEvent(new InputEvent("beforeinput", { inputType: "insertFromPaste", dataTransfer: cleaned,
                                                      bubbles: true, cancelable: true }));
  }, true);

  // A picture in the body: Decap's own component with our words, written as the README's syntax
  // ![mô tả](../../anh/<year>/tệp) (the collection's folders put the upload under docs/anh/<year>/).
  var BODY_IMAGE = /^!\[([^\]]*)\]\((.*?)(\s"([^"]*)")?\)/;
  CMS.registerEditorComponent({
    id: "image",
    label: "Ảnh",
    pattern: BODY_IMAGE,
    fields: [
      { name: "image", label: "Ảnh", widget: "image", choose_url: false, media_library: { allow_multiple: false } },
      { name: "alt", label: "Mô tả ảnh (bắt buộc)", hint: "Tả điều ảnh cho thấy, cho người khiếm thị." },
      { name: "title", label: "Chú thích khi rê chuột", required: false }
    ],
    fromBlock: function (match) { return { image: match[2], alt: match[1], title: match[4] }; },
    toBlock: function (data) {
      var alt = String(data.alt || "").replace(/[\[\]]/g, "");
      var title = data.title ? " \"" + String(data.title).replace(/"/g, "\\\"") + "\"" : "";
      return "![" + alt + "](" + (data.image || "") + title + ")";
    },
    toPreview: function (data, getAsset, fields) {
      var imageField = fields && fields.find(function (f) { return f.get("widget") === "image"; });
      return h("img", { src: String(getAsset(data.image, imageField) || ""), alt: data.alt || "" });
    }
  });

  // Rules across fields, in the words `cchc validate` uses (the save is refused and the message shown).
  var AUDIO = /\.(mp3|m4a|ogg)$/i, DOCUMENT = /\.(pdf|docx?|odt|xlsx?|ods|zip)$/i;
  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var data = event.entry.get("data"), problems = [];
      if (data.get("image") && !String(data.get("image_alt") || "").trim()) {
        problems.push("Ảnh đại diện cần mô tả ảnh: điền ô \u201cMô tả ảnh\u201d (tả điều ảnh cho thấy).");
      }
      if (/!\[\s*\]\(/.test(String(data.get("body") || ""))) {
        problems.push("Ảnh trong bài cần mô tả: bấm vào ảnh, điền ô \u201cMô tả ảnh\u201d.");
      }
      if (data.get("audio") && !AUDIO.test(data.get("audio"))) {
        problems.push("Tệp âm thanh phải là MP3 (hoặc M4A, OGG).");
      }
      var doc = data.get("document");
      if (doc && doc.get && doc.get("file") && !DOCUMENT.test(doc.get("file"))) {
        problems.push("Tệp văn bản phải là PDF hoặc Word (DOCX).");
      }
      if (problems.length) throw new Error(problems.join(" "));
      return data;
    }
  });
})();
