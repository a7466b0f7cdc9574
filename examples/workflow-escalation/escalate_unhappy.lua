-- An unhappy customer in a chat: open one urgent ticket, give the contact to the next
-- person of the "support" group and tell them. Repeated angry messages add to the ticket
-- instead of opening another one.
on("message.received", { sentiment = "negative" }, function(e)
  local c = crm.get(e.contact.id)
  if not c then return end
  for _, t in ipairs(c.tags or {}) do
    if t == "escalated" then
      crm.log("already escalated:", c.id)
      return
    end
  end
  local owner = crm.assign(c, { strategy = "round_robin", group = "support" })
  crm.tag(c, "escalated")
  local ticket = crm.tickets.create {
    contact = c,
    subject = "Unhappy customer: " .. (c.name or ("contact " .. c.id)),
    description = e.message and e.message.text or nil,
    priority = "urgent",
    channel = "chat",
  }
  crm.notify("support", "Ticket " .. ticket.id .. " for " .. (c.name or "a contact") ..
    (owner and (", assigned to user " .. owner) or ""))
end)
