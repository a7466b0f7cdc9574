-- New chat lead -> round-robin owner from the "sales" group, stage New.
on("contact.created", function(e)
  if e.contact.source ~= "chat" then return end
  local owner, why = crm.assign(e.contact, { strategy = "round_robin", group = "sales" })
  if not owner then crm.log("not assigned:", why) end
  crm.set_stage(e.contact, "New")
end)
