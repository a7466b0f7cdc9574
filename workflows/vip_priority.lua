-- VIP tag -> the "senior" group owns the contact, and their new tickets are urgent.
local function is_vip(contact)
  for _, t in ipairs(contact and contact.tags or {}) do
    if t == "vip" then return true end
  end
  return false
end

on("contact.updated", function(e)
  if not (e.changes and e.changes.tags) or not is_vip(e.contact) then return end
  crm.assign(e.contact, { strategy = "least_loaded", group = "senior", force = true })
end)

before("ticket.create", function(change)
  local id = change.after.contact_id
  if id and is_vip(crm.get(id)) then change.set.priority = "urgent" end
end)
