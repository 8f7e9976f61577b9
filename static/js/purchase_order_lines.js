// "Add line" on the PO form: copy the formset's empty row and count it in the
// management form, so Django validates the new row like the others.
document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-add-line]")) return;
  const total = document.getElementById("id_lines-TOTAL_FORMS");
  const template = document.getElementById("line-template");
  const index = Number(total.value);
  const row = template.innerHTML.replaceAll("__prefix__", String(index));
  document.querySelector("#lines tbody").insertAdjacentHTML("beforeend", row);
  total.value = String(index + 1);
});
