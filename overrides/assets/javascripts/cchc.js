// Small accessibility fix-ups after Material renders each page (its documented document$ hook).
// Wide tables that scroll sideways become keyboard-focusable, named regions (WCAG 2.1.1).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Bảng (cuộn ngang để xem hết)");
    }
  });
});
