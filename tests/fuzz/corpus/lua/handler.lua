function on_contact_created(event)
  local c = crm and crm.contact(event.contact_id)
  if c and c.email then print("new contact " .. c.email) end
end
