// Small accessibility fix-ups after Material renders each page (its documented document$ hook).
document$.subscribe(function () {
  "use strict";
  // Wide tables that scroll sideways become keyboard-focusable, named regions (WCAG 2.1.1).
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Bảng (cuộn ngang để xem hết)");
    }
  });

  function pressable(element, action) {  // Space acts like a click, as on a real button (Material handles Enter)
    element.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        action();
      }
    });
  }

  // The menu button on phones is a <label> for a hidden checkbox: make it a reachable, named button.
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector(".md-header label[for='__drawer']");
  if (drawer && menu && !menu.hasAttribute("tabindex")) {
    menu.setAttribute("tabindex", "0");
    menu.setAttribute("role", "button");
    menu.setAttribute("aria-label", "Mở danh mục trang");
    var sync = function () { menu.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); };
    sync();
    drawer.addEventListener("change", function () {
      sync();
      var first = document.querySelector(".md-sidebar--primary .md-nav__item a");
      if (drawer.checked && first && document.activeElement === menu) first.focus();  // opened from the keyboard
    });
    pressable(menu, function () { drawer.click(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.click();
        menu.focus();
      }
    });
  }

  // The colour-scheme toggle: Tab stops on the checked (hidden) radio, where Space would do nothing.
  // (Material answers Enter there itself.)
  document.querySelectorAll("[data-md-component=palette] input.md-option").forEach(function (input) {
    pressable(input, function () {
      var label = input.form.querySelector("label[for]:not([hidden])");
      if (!label) return;
      var next = document.getElementById(label.getAttribute("for"));
      label.click();
      if (next) next.focus();
    });
  });
});
