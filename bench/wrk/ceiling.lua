-- The ceiling run: the same requests as reads.lua (the bare app ignores the path).
function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end
