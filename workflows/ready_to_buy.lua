-- A contact ready to buy -> every member of "sales" is notified.
on("contact.intent_changed", { new = "ready_to_buy" }, function(e)
  crm.notify("sales", (e.contact.name or "A contact") .. " is ready to buy", e.contact)
end)
