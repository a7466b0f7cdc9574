-- An appointment marked no-show -> a follow-up SMS to rebook.
on("appointment.updated", { ["changes.status.new"] = "no_show" }, function(e)
  local id = e.appointment and e.appointment.contact_id
  if not id then return end
  local ok, why = crm.sms.send(id, "We missed you today. Reply to book a new time.")
  if not ok then crm.log("no SMS:", why) end
end)
