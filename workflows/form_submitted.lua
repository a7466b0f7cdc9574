-- A form submission -> the contact is tagged with the form's name and moves to Contacted.
on("form.submitted", function(e)
  local id = e.contact_id
  if not id then return end
  local name = e.form and e.form.name or "form"
  crm.tag(id, "form:" .. name:lower():gsub("[^%w]+", "-"))
  crm.set_stage(id, "Contacted")
end)
