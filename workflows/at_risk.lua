-- Every morning: contacts silent for 60+ days get one re-engagement email (the
-- "re-engaged" tag keeps it to one).
every("0 9 * * *", function(e)
  local cutoff = os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(crm.now() / 1000) - 60 * 86400)
  local silent = crm.find({ all = {
    { field = "last_active", op = "lt", value = cutoff },
    { field = "email", op = "exists", value = true },
    { ["not"] = { field = "tags", op = "any", value = { "re-engaged" } } },
  } }, { limit = 200 })
  for _, c in ipairs(silent) do
    crm.email.send(c, "re-engagement", { name = c.name })
    crm.tag(c, "re-engaged")
  end
end)
