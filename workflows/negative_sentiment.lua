-- Negative sentiment in a chat -> one high-priority ticket per unhappy spell (the
-- "unhappy" tag marks it; an agent removes the tag when it is sorted out).
on("message.received", { sentiment = "negative" }, function(e)
  local c = crm.get(e.contact.id)
  if not c then return end
  for _, t in ipairs(c.tags or {}) do
    if t == "unhappy" then return end
  end
  crm.tag(c, "unhappy")
  crm.tickets.create {
    contact = c,
    subject = "Unhappy customer: " .. (c.name or ("contact " .. c.id)),
    description = e.message and e.message.text or nil,
    priority = "high",
    channel = "chat",
  }
end)
